public import EventSourcing
public import Foundation

/// Scholarships: offers admins publish, update and close, and that recommendations match against
/// profiles.
///
/// Streams:
/// - `scholarship-<scholarshipId>`: every `Scholarships.Event` of one scholarship (created, updated,
///   closed). A closed scholarship is never updated again.
public enum Scholarships: Decider {
    /// Why a scholarship command was refused.
    public typealias Rejection = Refusal<Scholarships>

    /// Who may apply: empty lists mean no restriction. Requirements are hard conditions, preferences
    /// soft ones (they only rank), both free text.
    public struct Eligibility: Codable, Sendable, Hashable {
        public var educationLevels: [EducationLevel]
        public var fieldsOfStudy: [String]
        /// ISO 3166-1 codes, uppercased.
        public var countries: [String]
        public var requirements: [String]
        public var preferences: [String]

        public init(
            educationLevels: [EducationLevel] = [], fieldsOfStudy: [String] = [], countries: [String] = [],
            requirements: [String] = [], preferences: [String] = []
        ) {
            self.educationLevels = educationLevels
            self.fieldsOfStudy = fieldsOfStudy
            self.countries = countries
            self.requirements = requirements
            self.preferences = preferences
        }
    }

    /// What `POST /scholarships` and `PUT /scholarships/{id}` carry (PUT replaces everything).
    public struct Details: Codable, Sendable, Hashable {
        public var title: String
        public var description: String
        public var provider: String
        public var amount: Money?
        public var applicationFee: Money?
        public var deadline: Date
        public var applicationUrl: String?
        public var eligibility: Eligibility

        public init(
            title: String, description: String, provider: String, amount: Money? = nil, applicationFee: Money? = nil,
            deadline: Date, applicationUrl: String? = nil, eligibility: Eligibility = Eligibility()
        ) {
            self.title = title
            self.description = description
            self.provider = provider
            self.amount = amount
            self.applicationFee = applicationFee
            self.deadline = deadline
            self.applicationUrl = applicationUrl
            self.eligibility = eligibility
        }
    }

    /// What admins ask of a scholarship.
    public enum Command: Sendable, Equatable {
        case create(scholarshipID: UUID, Details, by: Principal, now: Date)
        case update(Details, by: Principal, now: Date)
        case close(by: Principal, now: Date)
    }

    /// What a scholarship's stream remembers.
    public struct State: Sendable, Equatable {
        public var scholarshipID: UUID?
        public var details: Details?
        public var closed = false
    }

    /// Payload of `scholarships.scholarship-created` and `scholarships.scholarship-updated`: the full details.
    public struct Published: Codable, Sendable, Equatable {
        public var scholarshipId: UUID
        public var title: String
        public var description: String
        public var provider: String
        public var amount: Money?
        public var applicationFee: Money?
        public var deadline: Date
        public var applicationUrl: String?
        public var eligibility: Eligibility
        public var by: UUID?
        public var at: Date

        /// The details, without the envelope fields.
        public var details: Details {
            Details(
                title: title, description: description, provider: provider, amount: amount, applicationFee: applicationFee,
                deadline: deadline, applicationUrl: applicationUrl, eligibility: eligibility
            )
        }
    }

    /// Payload of `scholarships.scholarship-closed`.
    public struct Closed: Codable, Sendable, Equatable {
        public var scholarshipId: UUID
        public var by: UUID?
        public var at: Date
    }

    /// What happened to a scholarship.
    public enum Event: DomainEvent {
        case created(Published)
        case updated(Published)
        case closed(Closed)

        public var eventType: String {
            switch self {
            case .created: "scholarships.scholarship-created"
            case .updated: "scholarships.scholarship-updated"
            case .closed: "scholarships.scholarship-closed"
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            switch try decoder.eventTypeName() {
            case "scholarships.scholarship-created": self = .created(try c.decode(Published.self))
            case "scholarships.scholarship-updated": self = .updated(try c.decode(Published.self))
            case "scholarships.scholarship-closed": self = .closed(try c.decode(Closed.self))
            case let other: throw UnknownEventType(other)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .created(let p), .updated(let p): try c.encode(p)
            case .closed(let p): try c.encode(p)
            }
        }
    }

    public static var initialState: State { State() }
}
