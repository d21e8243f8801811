import Domain
import Foundation

/// The body of `POST /scholarships` and `PUT /scholarships/{id}` (PUT replaces every field).
///
/// `eligibility` may be left out, and each of its lists: an empty list means no restriction.
struct ScholarshipBody: Decodable {
    struct Eligibility: Decodable {
        var educationLevels: [String]?
        var fieldsOfStudy: [String]?
        var countries: [String]?
        var requirements: [String]?
        var preferences: [String]?
    }

    var title: String
    var description: String
    var provider: String
    var amount: MoneyBody?
    var deadline: Date
    var applicationUrl: String?
    var applicationFee: MoneyBody?
    var eligibility: Eligibility?

    /// The domain's details, with the education levels checked and named.
    func details() throws(APIError) -> Scholarships.Details {
        var levels: [EducationLevel] = []
        for (index, level) in (eligibility?.educationLevels ?? []).enumerated() {
            levels.append(try enumField(level, "eligibility.educationLevels[\(index)]", as: EducationLevel.self)!)
        }
        return Scholarships.Details(
            title: title, description: description, provider: provider, amount: amount?.money, applicationFee: applicationFee?.money,
            deadline: deadline, applicationUrl: applicationUrl,
            eligibility: Scholarships.Eligibility(
                educationLevels: levels, fieldsOfStudy: eligibility?.fieldsOfStudy ?? [], countries: eligibility?.countries ?? [],
                requirements: eligibility?.requirements ?? [], preferences: eligibility?.preferences ?? []
            )
        )
    }
}

/// The answer of `POST /scholarships`.
struct ScholarshipCreated: Encodable {
    var scholarshipId: String
}
