import Foundation
import Testing
import EventSourcing
@testable import Domain

private let eventID = Fixture.id(700)
private let creator = Fixture.id(10)
private let now = Fixture.now
private let start = Fixture.days(7)
private let end = Fixture.days(7).addingTimeInterval(7200)
private func person(_ n: Int) -> Principal { .user(Fixture.id(n), .student) }

private func details(online: Bool = true, url: String? = "https://meet.example.org/abc", location: String? = nil, max: Int? = 2) -> Gathering.Details {
    Gathering.Details(title: "Data careers", eventType: .webinar, startDate: start, endDate: end, isOnline: online, location: location, meetingUrl: url, maxParticipants: max)
}

private let created = Gathering.Event.created(Gathering.Created(
    eventId: eventID, createdBy: creator, title: "Data careers", description: nil, eventType: .webinar, startDate: start, endDate: end,
    isOnline: true, location: nil, meetingUrl: "https://meet.example.org/abc", maxParticipants: 2, at: now
))
private func registered(_ n: Int) -> Gathering.Event { .registered(Gathering.Registration(eventId: eventID, userId: Fixture.id(n), at: now)) }
private func waitlisted(_ n: Int, _ position: Int) -> Gathering.Event {
    .waitlisted(Gathering.Waitlisted(eventId: eventID, userId: Fixture.id(n), position: position, at: now))
}
private let full: [Gathering.Event] = [created, registered(1), registered(2)]

@Suite struct GatheringCreationTests {
    @Test func mentorsModeratorsAndAdminsCreateEvents() {
        Given(Gathering.self).when(.create(eventID: eventID, details(), by: .user(creator, .mentor), now: now)).then([created])
        #expect(Given(Gathering.self).when(.create(eventID: eventID, details(), by: .user(creator, .moderator), now: now)).events().count == 1)
        Given(Gathering.self).when(.create(eventID: eventID, details(), by: .user(creator, .student), now: now)).thenRejected(.forbidden)
    }

    @Test func theStartComesBeforeTheEnd() {
        var bad = details()
        bad.endDate = start
        Given(Gathering.self).when(.create(eventID: eventID, bad, by: .user(creator, .admin), now: now)).thenRejected(.invalid, field: "endDate")
        bad = details()
        bad.startDate = Fixture.days(-1)
        Given(Gathering.self).when(.create(eventID: eventID, bad, by: .user(creator, .admin), now: now)).thenRejected(.invalid, field: "startDate")
    }

    @Test func onlineEventsNeedAMeetingURLAndInPersonOnesALocation() {
        Given(Gathering.self).when(.create(eventID: eventID, details(url: nil), by: .user(creator, .admin), now: now)).thenRejected(.invalid, field: "meetingUrl")
        Given(Gathering.self).when(.create(eventID: eventID, details(url: "ftp://x"), by: .user(creator, .admin), now: now)).thenRejected(.invalid, field: "meetingUrl")
        Given(Gathering.self).when(.create(eventID: eventID, details(online: false, url: nil), by: .user(creator, .admin), now: now)).thenRejected(.invalid, field: "location")
        #expect(Given(Gathering.self).when(.create(eventID: eventID, details(online: false, url: nil, location: "UCAD, Dakar"), by: .user(creator, .admin), now: now)).events().count == 1)
    }

    @Test func capacityIsAtLeastOne() {
        Given(Gathering.self).when(.create(eventID: eventID, details(max: 0), by: .user(creator, .admin), now: now)).thenRejected(.invalid, field: "maxParticipants")
    }

    @Test func eventTypesUseTheContractsWords() {
        #expect(Gathering.Kind.allCases.map(\.rawValue) == ["webinar", "conference", "workshop", "networking", "seminar"])
    }
}

@Suite struct GatheringRegistrationTests {
    @Test func registrationWhileSeatsRemain() {
        Given(Gathering.self, [created]).when(.register(by: person(1), now: now)).then([registered(1)])
    }

    @Test func pastCapacityRegistrantsWaitInOrder() {
        Given(Gathering.self, full).when(.register(by: person(3), now: now)).then([waitlisted(3, 1)])
        Given(Gathering.self, full + [waitlisted(3, 1)]).when(.register(by: person(4), now: now)).then([waitlisted(4, 2)])
    }

    @Test func registeringTwiceIsAConflict() {
        Given(Gathering.self, full).when(.register(by: person(1), now: now)).thenRejected(.conflict)
        Given(Gathering.self, full + [waitlisted(3, 1)]).when(.register(by: person(3), now: now)).thenRejected(.conflict)
    }

    @Test func noRegistrationAfterTheStart() {
        Given(Gathering.self, [created]).when(.register(by: person(1), now: start)).thenRejected(.conflict, messageContains: "started")
    }

    @Test func cancellingFreesASeatForTheFirstWaiting() {
        Given(Gathering.self, full + [waitlisted(3, 1), waitlisted(4, 2)]).when(.cancelRegistration(by: person(1), now: now)).then([
            .registrationCancelled(Gathering.Registration(eventId: eventID, userId: Fixture.id(1), at: now)),
            .waitlistPromoted(Gathering.Registration(eventId: eventID, userId: Fixture.id(3), at: now)),
        ])
        let after = Gathering.fold(full + [waitlisted(3, 1), waitlisted(4, 2)] + [
            .registrationCancelled(Gathering.Registration(eventId: eventID, userId: Fixture.id(1), at: now)),
            .waitlistPromoted(Gathering.Registration(eventId: eventID, userId: Fixture.id(3), at: now)),
        ])
        #expect(after.registered == [Fixture.id(2), Fixture.id(3)] && after.waitlist == [Fixture.id(4)])
    }

    @Test func aNewcomerDoesNotJumpTheQueueWhenASeatFrees() {
        // A seat is free only while nobody waits: promotion happens in the cancelling decision.
        Given(Gathering.self, full + [waitlisted(3, 1)]).when(.register(by: person(5), now: now)).then([waitlisted(5, 2)])
    }

    @Test func leavingTheWaitlist() {
        Given(Gathering.self, full + [waitlisted(3, 1)]).when(.cancelRegistration(by: person(3), now: now))
            .then([.waitlistLeft(Gathering.Registration(eventId: eventID, userId: Fixture.id(3), at: now))])
        Given(Gathering.self, full).when(.cancelRegistration(by: person(9), now: now)).thenRejected(.notFound)
    }

    @Test func aCancelledEventRefusesRegistrations() {
        let cancelled = Gathering.Event.cancelled(Gathering.Cancelled(eventId: eventID, cancelledBy: creator, reason: nil, at: now))
        Given(Gathering.self, [created]).when(.cancel(reason: nil, by: .user(creator, .mentor), now: now)).then([cancelled])
        Given(Gathering.self, [created, cancelled]).when(.register(by: person(1), now: now)).thenRejected(.conflict, messageContains: "cancelled")
    }

    @Test func onlyTheCreatorOrAnAdminCancels() {
        Given(Gathering.self, [created]).when(.cancel(reason: nil, by: .user(Fixture.id(11), .mentor), now: now)).thenRejected(.forbidden)
        #expect(Given(Gathering.self, [created]).when(.cancel(reason: nil, by: .user(Fixture.id(11), .admin), now: now)).events().count == 1)
    }

    @Test func unknownEventsAreNotFound() {
        Given(Gathering.self).when(.register(by: person(1), now: now)).thenRejected(.notFound)
    }
}

@Suite struct GatheringEventCodingTests {
    @Test func everyEventRoundTrips() {
        let r = Gathering.Registration(eventId: eventID, userId: Fixture.id(1), at: now)
        expectRoundTrip(created, named: "gatherings.event-created")
        expectRoundTrip(Gathering.Event.registered(r), named: "gatherings.registered")
        expectRoundTrip(waitlisted(3, 1), named: "gatherings.waitlisted")
        expectRoundTrip(Gathering.Event.registrationCancelled(r), named: "gatherings.registration-cancelled")
        expectRoundTrip(Gathering.Event.waitlistLeft(r), named: "gatherings.waitlist-left")
        expectRoundTrip(Gathering.Event.waitlistPromoted(r), named: "gatherings.waitlist-promoted")
        expectRoundTrip(Gathering.Event.cancelled(Gathering.Cancelled(eventId: eventID, cancelledBy: nil, reason: "Storm", at: now)), named: "gatherings.event-cancelled")
        expectUnknownTypeRefused(Gathering.Event.self)
    }
}
