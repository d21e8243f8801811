import Foundation
import Testing
import EventSourcing
@testable import Domain

private typealias Mentor = Mentoring.Mentor
private typealias Session = Mentoring.Session
private typealias BookingCalendar = Mentoring.BookingCalendar

private let mentorID = Fixture.id(10)
private let menteeID = Fixture.id(20)
private let adminID = Fixture.id(90)
private let sessionID = Fixture.id(500)
private let now = Fixture.now  // Monday 2026-11-23 09:00 UTC
private let asMentor = Principal.user(mentorID, .mentor)
private let asMentee = Principal.user(menteeID, .student)
private let asAdmin = Principal.user(adminID, .admin)

private let slots = [
    AvailabilitySlot(day: .monday, start: "09:00", end: "17:30"),
    AvailabilitySlot(day: .tuesday, start: "18:00", end: "24:00"),
    AvailabilitySlot(day: .wednesday, start: "00:00", end: "02:00"),
]
private let application = Mentor.Application(
    expertiseAreas: ["Data science", "Careers"], experienceYears: 8, hourlyRate: Money(amount: "25", currency: "EUR"),
    languages: ["FR", "en"], timeZone: "Africa/Dakar", availability: slots
)
private let profile = Mentor.ProfileSet(
    mentorId: mentorID, expertiseAreas: ["Data science", "Careers"], experienceYears: 8,
    hourlyRate: Money(amount: "25.00", currency: "EUR"), languages: ["fr", "en"], timeZone: "Africa/Dakar",
    availability: slots, at: now
)
private let verifiedMentor: [Mentor.Event] = [
    .registered(profile), .verified(Mentor.Verified(mentorId: mentorID, verifiedBy: adminID, at: now)),
]

/// Next Monday, 2026-11-30, at the given UTC time (Dakar is UTC+0 all year).
private func nextMonday(_ hour: Double) -> Date { Fixture.days(7).addingTimeInterval((hour - 9) * 3600) }

private func request(at start: Date = nextMonday(10), minutes: Int = 60, mentor: Mentor.State = Mentor.fold(verifiedMentor)) -> Session.Command {
    .request(
        Session.Request(sessionID: sessionID, mentorID: mentorID, title: "CV review", description: "My first CV", scheduledAt: start, durationMinutes: minutes),
        mentor: mentor, by: asMentee, now: now
    )
}

private let requested = Session.Event.requested(Session.Requested(
    sessionId: sessionID, mentorId: mentorID, menteeId: menteeID, title: Personal("CV review"),
    description: Personal("My first CV"), scheduledAt: nextMonday(10), durationMinutes: 60, at: now
))
private let accepted = Session.Event.accepted(Session.Accepted(
    sessionId: sessionID, mentorId: mentorID, menteeId: menteeID, scheduledAt: nextMonday(10), endsAt: nextMonday(11), at: now
))
private let completedAt = nextMonday(11)
private let completed = Session.Event.completed(Session.Progressed(sessionId: sessionID, by: mentorID, at: completedAt))

private func booked(_ user: UUID, _ session: UUID, from: Date, minutes: Int) -> BookingCalendar.Event {
    .booked(BookingCalendar.Booked(userId: user, sessionId: session, start: from, end: from.addingTimeInterval(Double(minutes) * 60), at: now))
}

@Suite struct MentorTests {
    @Test func becomingAMentorNormalisesTheProfile() {
        Given(Mentor.self).when(.apply(application, by: asMentor, now: now)).then([.registered(profile)])
    }

    @Test func applyingAgainUpdatesTheProfileOnlyWhenItChanged() {
        Given(Mentor.self, verifiedMentor).when(.apply(application, by: asMentor, now: Fixture.days(1))).then([])
        var changed = application
        changed.experienceYears = 9
        var expected = profile
        expected.experienceYears = 9
        expected.at = Fixture.days(1)
        Given(Mentor.self, verifiedMentor).when(.apply(changed, by: asMentor, now: Fixture.days(1))).then([.profileUpdated(expected)])
    }

    @Test func expertiseIsRequired() {
        var bad = application
        bad.expertiseAreas = []
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "expertiseAreas")
    }

    @Test func experienceYearsAreBetween0And60() {
        var bad = application
        bad.experienceYears = 61
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "experienceYears")
        bad.experienceYears = -1
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "experienceYears")
    }

    @Test func theHourlyRateIsMoney() {
        var bad = application
        bad.hourlyRate = Money(amount: "12.345", currency: "EUR")
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "hourlyRate.amount")
        bad.hourlyRate = Money(amount: "12", currency: "eur")
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "hourlyRate.currency")
    }

    @Test func theTimeZoneMustBeIANA() {
        var bad = application
        bad.timeZone = "Mars/Olympus"
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "timeZone")
    }

    @Test func availabilityWindowsEndAfterTheyStart() {
        var bad = application
        bad.availability = [AvailabilitySlot(day: .friday, start: "10:00", end: "09:00")]
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "availability[0].end")
        bad.availability = [AvailabilitySlot(day: .friday, start: "9h", end: "10:00")]
        Given(Mentor.self).when(.apply(bad, by: asMentor, now: now)).thenRejected(.invalid, field: "availability[0].start")
    }

    @Test func anAdminVerifiesAMentorOnce() {
        Given(Mentor.self, [.registered(profile)]).when(.verify(mentorID: mentorID, by: asAdmin, now: now))
            .then([.verified(Mentor.Verified(mentorId: mentorID, verifiedBy: adminID, at: now))])
        Given(Mentor.self, verifiedMentor).when(.verify(mentorID: mentorID, by: asAdmin, now: now)).then([])
    }

    @Test func onlyAdminsVerify() {
        Given(Mentor.self, [.registered(profile)]).when(.verify(mentorID: mentorID, by: asMentor, now: now)).thenRejected(.forbidden)
        Given(Mentor.self).when(.verify(mentorID: mentorID, by: asAdmin, now: now)).thenRejected(.notFound)
    }

    @Test func theRatingIsABayesianAverage() {
        #expect(Mentor.fold(verifiedMentor).rating == 4.0)
        let rated = verifiedMentor + [
            .rated(Mentor.Rated(mentorId: mentorID, sessionId: Fixture.id(1), rating: 5, at: now)),
            .rated(Mentor.Rated(mentorId: mentorID, sessionId: Fixture.id(2), rating: 5, at: now)),
        ]
        // (5 × 4.0 + 10) / (5 + 2)
        #expect(abs(Mentor.fold(rated).rating - 30.0 / 7.0) < 1e-9)
        Given(Mentor.self, rated).when(.recordRating(mentorID: mentorID, sessionID: Fixture.id(1), rating: 1, now: now)).then([])
    }
}

@Suite struct SessionRequestTests {
    @Test func aRequestInsideTheAvailabilityIsRecorded() {
        Given(Session.self).when(request()).then([requested])
    }

    @Test func theMentorMustExistAndBeVerified() {
        Given(Session.self).when(request(mentor: Mentor.initialState)).thenRejected(.notFound)
        Given(Session.self).when(request(mentor: Mentor.fold([.registered(profile)]))).thenRejected(.conflict, field: "mentorId")
    }

    @Test func nobodyBooksThemselves() {
        Given(Session.self).when(.request(
            Session.Request(sessionID: sessionID, mentorID: mentorID, title: "t", scheduledAt: nextMonday(10), durationMinutes: 60),
            mentor: Mentor.fold(verifiedMentor), by: asMentor, now: now
        )).thenRejected(.invalid, field: "mentorId")
    }

    @Test func sessionsLast15To240Minutes() {
        Given(Session.self).when(request(minutes: 14)).thenRejected(.invalid, field: "durationMinutes")
        Given(Session.self).when(request(minutes: 241)).thenRejected(.invalid, field: "durationMinutes")
        #expect(Given(Session.self).when(request(minutes: 15)).events().count == 1)
    }

    @Test func sessionsAreInTheFuture() {
        Given(Session.self).when(request(at: Fixture.minutes(-60))).thenRejected(.invalid, field: "scheduledAt", messageContains: "future")
    }

    @Test func sessionsFitEntirelyInsideTheAvailability() {
        Given(Session.self).when(request(at: nextMonday(17), minutes: 60)).thenRejected(.invalid, field: "scheduledAt")
        Given(Session.self).when(request(at: nextMonday(8.5), minutes: 60)).thenRejected(.invalid, field: "scheduledAt")
        #expect(Given(Session.self).when(request(at: nextMonday(16.5), minutes: 60)).events().count == 1)
    }

    @Test func adjacentWindowsAcrossMidnightCount() {
        // Tuesday 23:00 → Wednesday 01:00, Dakar time.
        let tuesdayLate = nextMonday(9).addingTimeInterval(14 * 3600 + 24 * 3600)
        #expect(Given(Session.self).when(request(at: tuesdayLate, minutes: 120)).events().count == 1)
    }

    @Test func availabilityIsReadInTheMentorsTimeZone() {
        // Paris is UTC+1 in winter: 09:00–12:00 Paris is 08:00–11:00 UTC.
        let paris = WeeklyAvailability(timeZone: "Europe/Paris", slots: [AvailabilitySlot(day: .monday, start: "09:00", end: "12:00")])
        #expect(paris.covers(start: nextMonday(8), end: nextMonday(11)))
        #expect(!paris.covers(start: nextMonday(9), end: nextMonday(12)))
        // In summer (UTC+2) the same window is 07:00–10:00 UTC: 2026-06-01 is a Monday.
        let june = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01T00:00:00Z
        #expect(paris.covers(start: june.addingTimeInterval(7 * 3600), end: june.addingTimeInterval(10 * 3600)))
        #expect(!paris.covers(start: june.addingTimeInterval(8 * 3600), end: june.addingTimeInterval(11 * 3600)))
    }

    @Test func theTitleIsRequiredAndTheTextIsTheMenteesPersonalData() {
        Given(Session.self).when(.request(
            Session.Request(sessionID: sessionID, mentorID: mentorID, title: "  ", scheduledAt: nextMonday(10), durationMinutes: 60),
            mentor: Mentor.fold(verifiedMentor), by: asMentee, now: now
        )).thenRejected(.invalid, field: "title")
        #expect(requested.personalDataSubject == menteeID)
    }
}

@Suite struct SessionAcceptanceTests {
    @Test func theMentorAcceptsAndBothCalendarsAreBooked() throws {
        let decision = try Mentoring.decide(
            .accept(mentorCalendar: BookingCalendar.initialState, menteeCalendar: BookingCalendar.initialState, by: asMentor, now: now),
            session: Session.fold([requested])
        )
        #expect(decision.session == [accepted])
        #expect(decision.mentorCalendar == [booked(mentorID, sessionID, from: nextMonday(10), minutes: 60)])
        #expect(decision.menteeCalendar == [booked(menteeID, sessionID, from: nextMonday(10), minutes: 60)])
        #expect(decision.mentor.isEmpty)
    }

    @Test func onlyTheMentorAccepts() {
        Given(Session.self, [requested])
            .when(.accept(mentorCalendar: BookingCalendar.State(), menteeCalendar: BookingCalendar.State(), by: asMentee, now: now))
            .thenRejected(.forbidden)
    }

    @Test func anOverlapWithTheMentorsSessionsIsAConflictNamingIt() {
        let other = Fixture.id(501)
        let calendar = BookingCalendar.fold([booked(mentorID, other, from: nextMonday(10.5), minutes: 60)])
        Given(Session.self, [requested])
            .when(.accept(mentorCalendar: calendar, menteeCalendar: BookingCalendar.State(), by: asMentor, now: now))
            .thenRejected(.conflict, messageContains: other.uuidString)
    }

    @Test func anOverlapWithTheMenteesSessionsIsAConflictNamingIt() {
        let other = Fixture.id(502)
        let calendar = BookingCalendar.fold([booked(menteeID, other, from: nextMonday(9.5), minutes: 45)])
        Given(Session.self, [requested])
            .when(.accept(mentorCalendar: BookingCalendar.State(), menteeCalendar: calendar, by: asMentor, now: now))
            .thenRejected(.conflict, messageContains: other.uuidString)
    }

    @Test func backToBackSessionsDoNotOverlap() {
        let calendar = BookingCalendar.fold([booked(mentorID, Fixture.id(503), from: nextMonday(11), minutes: 30)])
        Given(Session.self, [requested])
            .when(.accept(mentorCalendar: calendar, menteeCalendar: BookingCalendar.State(), by: asMentor, now: now))
            .then([accepted])
    }

    @Test func theCalendarItselfRefusesADoubleBooking() {
        Given(BookingCalendar.self, [booked(mentorID, Fixture.id(504), from: nextMonday(10), minutes: 60)])
            .when(.book(userID: mentorID, sessionID: sessionID, TimeRange(start: nextMonday(10.5), minutes: 30), now: now))
            .thenRejected(.conflict, messageContains: Fixture.id(504).uuidString)
    }

    @Test func onlyARequestedSessionIsAccepted() {
        Given(Session.self, [requested, accepted])
            .when(.accept(mentorCalendar: BookingCalendar.State(), menteeCalendar: BookingCalendar.State(), by: asMentor, now: now))
            .thenRejected(.conflict)
    }

    @Test func aPastRequestCannotBeAccepted() {
        Given(Session.self, [requested])
            .when(.accept(mentorCalendar: BookingCalendar.State(), menteeCalendar: BookingCalendar.State(), by: asMentor, now: nextMonday(10)))
            .thenRejected(.conflict)
    }

    @Test func theMentorDeclinesARequest() {
        Given(Session.self, [requested]).when(.decline(reason: "Away", by: asMentor, now: now))
            .then([.declined(Session.Ended(sessionId: sessionID, by: mentorID, reason: Personal("Away"), at: now))])
        Given(Session.self, [requested]).when(.decline(reason: nil, by: asMentee, now: now)).thenRejected(.forbidden)
        Given(Session.self, [requested, accepted]).when(.decline(reason: nil, by: asMentor, now: now)).thenRejected(.conflict)
    }
}

@Suite struct SessionLifecycleTests {
    @Test func eitherPartyCancelsAndTheCalendarsAreFreed() throws {
        let calendars = (
            BookingCalendar.fold([booked(mentorID, sessionID, from: nextMonday(10), minutes: 60)]),
            BookingCalendar.fold([booked(menteeID, sessionID, from: nextMonday(10), minutes: 60)])
        )
        let decision = try Mentoring.decide(
            .cancel(reason: nil, by: asMentee, now: now), session: Session.fold([requested, accepted]),
            mentorCalendar: calendars.0, menteeCalendar: calendars.1
        )
        #expect(decision.session == [.cancelled(Session.Ended(sessionId: sessionID, by: menteeID, reason: nil, at: now))])
        #expect(decision.mentorCalendar == [.released(BookingCalendar.Released(userId: mentorID, sessionId: sessionID, at: now))])
        #expect(decision.menteeCalendar == [.released(BookingCalendar.Released(userId: menteeID, sessionId: sessionID, at: now))])
    }

    @Test func cancellingARequestTouchesNoCalendar() throws {
        let decision = try Mentoring.decide(.cancel(reason: nil, by: asMentor, now: now), session: Session.fold([requested]))
        #expect(decision.session.count == 1)
        #expect(decision.mentorCalendar.isEmpty && decision.menteeCalendar.isEmpty)
    }

    @Test func aCompletedSessionCannotBeCancelled() {
        Given(Session.self, [requested, accepted, completed]).when(.cancel(reason: nil, by: asMentor, now: now)).thenRejected(.conflict)
    }

    @Test func strangersCannotCancel() {
        Given(Session.self, [requested]).when(.cancel(reason: nil, by: .user(Fixture.id(77), .student), now: now)).thenRejected(.forbidden)
    }

    @Test func aSessionStartsFromFifteenMinutesBefore() {
        Given(Session.self, [requested, accepted]).when(.start(by: asMentee, now: nextMonday(9.7))).thenRejected(.conflict)
        Given(Session.self, [requested, accepted]).when(.start(by: asMentee, now: nextMonday(9.75)))
            .then([.started(Session.Progressed(sessionId: sessionID, by: menteeID, at: nextMonday(9.75)))])
    }

    @Test func theMentorCompletesFromTheScheduledStartOn() {
        Given(Session.self, [requested, accepted]).when(.complete(by: asMentor, now: nextMonday(9.9))).thenRejected(.conflict)
        Given(Session.self, [requested, accepted]).when(.complete(by: asMentor, now: nextMonday(10)))
            .then([.completed(Session.Progressed(sessionId: sessionID, by: mentorID, at: nextMonday(10)))])
        Given(Session.self, [requested, accepted]).when(.complete(by: asMentee, now: nextMonday(11))).thenRejected(.forbidden)
        Given(Session.self, [requested]).when(.complete(by: asMentor, now: nextMonday(11))).thenRejected(.conflict)
    }

    @Test func statusesUseTheContractsWords() {
        #expect(Mentoring.SessionStatus.allCases.map(\.rawValue) == ["requested", "accepted", "declined", "cancelled", "in_progress", "completed"])
    }
}

@Suite struct FeedbackTests {
    private let done: [Session.Event] = [requested, accepted, completed]

    @Test func theMenteesFeedbackRatesTheMentor() throws {
        let at = completedAt.addingTimeInterval(3600)
        let decision = try Mentoring.decide(
            .giveFeedback(rating: 5, comment: "Very helpful", by: asMentee, now: at), session: Session.fold(done),
            mentor: Mentor.fold(verifiedMentor)
        )
        #expect(decision.session == [.feedbackGiven(Session.FeedbackGiven(
            sessionId: sessionID, authorId: menteeID, authorRole: .mentee, recipientId: mentorID, rating: 5,
            comment: Personal("Very helpful"), at: at
        ))])
        #expect(decision.mentor == [.rated(Mentor.Rated(mentorId: mentorID, sessionId: sessionID, rating: 5, at: at))])
        #expect(decision.session.first?.personalDataSubject == menteeID)
    }

    @Test func theMentorsFeedbackDoesNotRateTheMentor() throws {
        let decision = try Mentoring.decide(
            .giveFeedback(rating: 4, comment: nil, by: asMentor, now: completedAt), session: Session.fold(done), mentor: Mentor.fold(verifiedMentor)
        )
        #expect(decision.session.count == 1)
        #expect(decision.mentor.isEmpty)
    }

    @Test func feedbackOnlyAfterCompletion() {
        Given(Session.self, [requested, accepted]).when(.giveFeedback(rating: 5, comment: nil, by: asMentee, now: now)).thenRejected(.conflict)
    }

    @Test func feedbackOncePerParty() {
        let given = Session.Event.feedbackGiven(Session.FeedbackGiven(
            sessionId: sessionID, authorId: menteeID, authorRole: .mentee, recipientId: mentorID, rating: 5, comment: nil, at: completedAt
        ))
        Given(Session.self, done + [given]).when(.giveFeedback(rating: 4, comment: nil, by: asMentee, now: completedAt)).thenRejected(.conflict)
        #expect(Given(Session.self, done + [given]).when(.giveFeedback(rating: 4, comment: nil, by: asMentor, now: completedAt)).events().count == 1)
    }

    @Test func ratingsRangeFrom1To5() {
        Given(Session.self, done).when(.giveFeedback(rating: 0, comment: nil, by: asMentee, now: completedAt)).thenRejected(.invalid, field: "rating")
        Given(Session.self, done).when(.giveFeedback(rating: 6, comment: nil, by: asMentee, now: completedAt)).thenRejected(.invalid, field: "rating")
    }

    @Test func feedbackClosesAfterFourteenDays() {
        #expect(Given(Session.self, done).when(.giveFeedback(rating: 5, comment: nil, by: asMentee, now: Fixture.days(14, after: completedAt)))
            .events().count == 1)
        Given(Session.self, done).when(.giveFeedback(rating: 5, comment: nil, by: asMentee, now: Fixture.days(14.01, after: completedAt)))
            .thenRejected(.conflict, messageContains: "14 days")
    }

    @Test func onlyPartiesGiveFeedback() {
        Given(Session.self, done).when(.giveFeedback(rating: 5, comment: nil, by: asAdmin, now: completedAt)).thenRejected(.forbidden)
    }
}

@Suite struct MentoringEventCodingTests {
    @Test func everyEventRoundTrips() {
        expectRoundTrip(Mentor.Event.registered(profile), named: "mentoring.mentor-registered")
        expectRoundTrip(Mentor.Event.profileUpdated(profile), named: "mentoring.mentor-profile-updated")
        expectRoundTrip(Mentor.Event.verified(Mentor.Verified(mentorId: mentorID, verifiedBy: nil, at: now)), named: "mentoring.mentor-verified")
        expectRoundTrip(Mentor.Event.rated(Mentor.Rated(mentorId: mentorID, sessionId: sessionID, rating: 3, at: now)), named: "mentoring.mentor-rated")
        expectRoundTrip(requested, named: "mentoring.session-requested")
        expectRoundTrip(accepted, named: "mentoring.session-accepted")
        expectRoundTrip(Session.Event.declined(Session.Ended(sessionId: sessionID, by: mentorID, reason: .erased, at: now)), named: "mentoring.session-declined")
        expectRoundTrip(Session.Event.cancelled(Session.Ended(sessionId: sessionID, by: nil, reason: nil, at: now)), named: "mentoring.session-cancelled")
        expectRoundTrip(Session.Event.started(Session.Progressed(sessionId: sessionID, by: menteeID, at: now)), named: "mentoring.session-started")
        expectRoundTrip(completed, named: "mentoring.session-completed")
        expectRoundTrip(Session.Event.feedbackGiven(Session.FeedbackGiven(
            sessionId: sessionID, authorId: menteeID, authorRole: .mentee, recipientId: mentorID, rating: 4, comment: Personal("ok"), at: now
        )), named: "mentoring.session-feedback-given")
        expectRoundTrip(booked(mentorID, sessionID, from: now, minutes: 30), named: "mentoring.calendar-slot-booked")
        expectRoundTrip(BookingCalendar.Event.released(BookingCalendar.Released(userId: mentorID, sessionId: sessionID, at: now)), named: "mentoring.calendar-slot-released")
        expectUnknownTypeRefused(Mentor.Event.self)
        expectUnknownTypeRefused(Session.Event.self)
        expectUnknownTypeRefused(BookingCalendar.Event.self)
    }

    @Test func erasedTextIsToleratedWhenReplaying() {
        let shredded = Session.Event.requested(Session.Requested(
            sessionId: sessionID, mentorId: mentorID, menteeId: menteeID, title: .erased, description: .erased,
            scheduledAt: nextMonday(10), durationMinutes: 60, at: now
        ))
        #expect(Session.fold([shredded]).status == .requested)
    }
}
