import Foundation
import Testing
import EventSourcing
@testable import Domain

private let id = Fixture.id(800)
private let adminID = Fixture.id(90)
private let admin = Principal.user(adminID, .admin)
private let now = Fixture.now
private let deadline = Fixture.days(60)

private func details(amount: Money? = Money(amount: "1500", currency: "EUR")) -> Scholarships.Details {
    Scholarships.Details(
        title: "Excellence", description: "For master students", provider: "Fondation X", amount: amount,
        deadline: deadline, applicationUrl: "https://example.org/apply",
        eligibility: Scholarships.Eligibility(educationLevels: [.master, .master], fieldsOfStudy: ["Computer science"], countries: ["sn", "CIV"], requirements: ["GPA ≥ 14/20"], preferences: ["Women in tech"])
    )
}

private func published(_ title: String = "Excellence", at: Date = now) -> Scholarships.Published {
    Scholarships.Published(
        scholarshipId: id, title: title, description: "For master students", provider: "Fondation X",
        amount: Money(amount: "1500.00", currency: "EUR"), applicationFee: nil, deadline: deadline, applicationUrl: "https://example.org/apply",
        eligibility: Scholarships.Eligibility(educationLevels: [.master], fieldsOfStudy: ["Computer science"], countries: ["SN", "CIV"], requirements: ["GPA ≥ 14/20"], preferences: ["Women in tech"]),
        by: adminID, at: at
    )
}

@Suite struct ScholarshipTests {
    @Test func anAdminPublishesANormalisedScholarship() {
        Given(Scholarships.self).when(.create(scholarshipID: id, details(), by: admin, now: now)).then([.created(published())])
    }

    @Test func nonAdminsAreForbidden() {
        Given(Scholarships.self).when(.create(scholarshipID: id, details(), by: .user(Fixture.id(1), .moderator), now: now)).thenRejected(.forbidden)
        Given(Scholarships.self, [.created(published())]).when(.update(details(), by: .user(Fixture.id(1), .mentor), now: now)).thenRejected(.forbidden)
        Given(Scholarships.self, [.created(published())]).when(.close(by: .user(Fixture.id(1), .student), now: now)).thenRejected(.forbidden)
    }

    @Test func amountsAreMoneyWithTwoDecimalsAndAnISOCurrency() {
        Given(Scholarships.self).when(.create(scholarshipID: id, details(amount: Money(amount: "1,500", currency: "EUR")), by: admin, now: now))
            .thenRejected(.invalid, field: "amount.amount")
        Given(Scholarships.self).when(.create(scholarshipID: id, details(amount: Money(amount: "1500.00", currency: "EURO")), by: admin, now: now))
            .thenRejected(.invalid, field: "amount.currency")
        var fee = details()
        fee.applicationFee = Money(amount: "-5", currency: "EUR")
        Given(Scholarships.self).when(.create(scholarshipID: id, fee, by: admin, now: now)).thenRejected(.invalid, field: "applicationFee.amount")
    }

    @Test func requiredTextsAndShapesAreChecked() {
        var bad = details()
        bad.provider = ""
        Given(Scholarships.self).when(.create(scholarshipID: id, bad, by: admin, now: now)).thenRejected(.invalid, field: "provider")
        bad = details()
        bad.eligibility.countries = ["Senegal"]
        Given(Scholarships.self).when(.create(scholarshipID: id, bad, by: admin, now: now)).thenRejected(.invalid, field: "eligibility.countries[0]")
        bad = details()
        bad.applicationUrl = "javascript:alert(1)"
        Given(Scholarships.self).when(.create(scholarshipID: id, bad, by: admin, now: now)).thenRejected(.invalid, field: "applicationUrl")
        bad = details()
        bad.deadline = Fixture.days(-1)
        Given(Scholarships.self).when(.create(scholarshipID: id, bad, by: admin, now: now)).thenRejected(.invalid, field: "deadline")
    }

    @Test func updatesReplaceTheDetails() {
        var changed = details()
        changed.title = "Excellence 2027"
        Given(Scholarships.self, [.created(published())]).when(.update(changed, by: admin, now: Fixture.days(1)))
            .then([.updated(published("Excellence 2027", at: Fixture.days(1)))])
        Given(Scholarships.self, [.created(published())]).when(.update(details(), by: admin, now: Fixture.days(1))).then([])
    }

    @Test func aClosedScholarshipCannotBeUpdated() {
        let closed = Scholarships.Event.closed(Scholarships.Closed(scholarshipId: id, by: adminID, at: now))
        Given(Scholarships.self, [.created(published())]).when(.close(by: admin, now: now)).then([closed])
        Given(Scholarships.self, [.created(published()), closed]).when(.update(details(), by: admin, now: now)).thenRejected(.conflict)
        Given(Scholarships.self, [.created(published()), closed]).when(.close(by: admin, now: now)).then([])
    }

    @Test func unknownScholarshipsAreNotFound() {
        Given(Scholarships.self).when(.update(details(), by: admin, now: now)).thenRejected(.notFound)
    }

    @Test func everyEventRoundTrips() {
        expectRoundTrip(Scholarships.Event.created(published()), named: "scholarships.scholarship-created")
        expectRoundTrip(Scholarships.Event.updated(published("B")), named: "scholarships.scholarship-updated")
        expectRoundTrip(Scholarships.Event.closed(Scholarships.Closed(scholarshipId: id, by: nil, at: now)), named: "scholarships.scholarship-closed")
        expectUnknownTypeRefused(Scholarships.Event.self)
    }
}
