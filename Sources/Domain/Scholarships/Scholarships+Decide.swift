import EventSourcing
import Foundation

extension Scholarships {
    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .create(let id, let details, let principal, let now):
            guard principal.isAdministrator else { throw .forbidden("only admins can publish scholarships") }
            guard state.scholarshipID == nil else { throw .conflict("this scholarship already exists") }
            let valid = try Rejection.check { () throws(FieldError) in try validated(details) }
            guard valid.deadline > now else { throw .invalid("deadline", "deadline must be in the future") }
            return [.created(published(id, valid, by: principal, now: now))]

        case .update(let details, let principal, let now):
            guard principal.isAdministrator else { throw .forbidden("only admins can update scholarships") }
            guard let id = state.scholarshipID else { throw .notFound("no such scholarship") }
            guard !state.closed else { throw .conflict("this scholarship is closed and can no longer be updated") }
            let valid = try Rejection.check { () throws(FieldError) in try validated(details) }
            if valid == state.details { return [] }
            return [.updated(published(id, valid, by: principal, now: now))]

        case .close(let principal, let now):
            guard principal.isAdministrator else { throw .forbidden("only admins can close scholarships") }
            guard let id = state.scholarshipID else { throw .notFound("no such scholarship") }
            if state.closed { return [] }
            return [.closed(Closed(scholarshipId: id, by: principal.userID, at: now))]
        }
    }

    private static func published(_ id: UUID, _ d: Details, by principal: Principal, now: Date) -> Published {
        Published(
            scholarshipId: id, title: d.title, description: d.description, provider: d.provider, amount: d.amount,
            applicationFee: d.applicationFee, deadline: d.deadline, applicationUrl: d.applicationUrl,
            eligibility: d.eligibility, by: principal.userID, at: now
        )
    }

    private static func validated(_ d: Details) throws(FieldError) -> Details {
        var countries: [String] = []
        for (i, code) in d.eligibility.countries.enumerated() {
            let valid = try CountryCode.validated(code, "eligibility.countries[\(i)]")
            if !countries.contains(valid) { countries.append(valid) }
        }
        var levels: [EducationLevel] = []
        for level in d.eligibility.educationLevels where !levels.contains(level) { levels.append(level) }
        return Details(
            title: try Validate.text(d.title, "title", max: 200),
            description: try Validate.text(d.description, "description", max: 10_000),
            provider: try Validate.text(d.provider, "provider", max: 200),
            amount: try d.amount?.validated("amount"),
            applicationFee: try d.applicationFee?.validated("applicationFee"),
            deadline: d.deadline,
            applicationUrl: try d.applicationUrl.flatMap { $0.isEmpty ? nil : $0 }.map { url throws(FieldError) in try WebURL.validated(url, "applicationUrl") },
            eligibility: Eligibility(
                educationLevels: levels,
                fieldsOfStudy: try Validate.textList(d.eligibility.fieldsOfStudy, "eligibility.fieldsOfStudy", maxCount: 50, maxLength: 100),
                countries: countries,
                requirements: try Validate.textList(d.eligibility.requirements, "eligibility.requirements", maxCount: 50, maxLength: 1000),
                preferences: try Validate.textList(d.eligibility.preferences, "eligibility.preferences", maxCount: 50, maxLength: 1000)
            )
        )
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .created(let e), .updated(let e):
            state.scholarshipID = e.scholarshipId
            state.details = e.details
        case .closed:
            state.closed = true
        }
        return state
    }
}
