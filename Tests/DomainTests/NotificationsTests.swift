import Foundation
import Testing
import EventSourcing
@testable import Domain

private let userID = Fixture.id(1)
private let user = Principal.user(userID, .student)
private let now = Fixture.now

@Suite struct InboxTests {
    @Test func aPersonMarksANotificationReadOnceAndEverythingUpToAnId() {
        let read = Inbox.Event.read(Inbox.Read(userId: userID, notificationId: 42, at: now))
        Given(Inbox.self).when(.markRead(notificationID: 42, by: user, now: now)).then([read])
        Given(Inbox.self, [read]).when(.markRead(notificationID: 42, by: user, now: now)).then([])
        let all = Inbox.Event.allRead(Inbox.AllRead(userId: userID, upTo: 100, at: now))
        Given(Inbox.self, [read]).when(.markAllRead(upTo: 100, by: user, now: now)).then([all])
        // Below the mark: already read, nothing to record; above it: a new mark.
        Given(Inbox.self, [all]).when(.markRead(notificationID: 99, by: user, now: now)).then([])
        Given(Inbox.self, [all]).when(.markAllRead(upTo: 80, by: user, now: now)).then([])
        Given(Inbox.self, [all]).when(.markRead(notificationID: 101, by: user, now: now))
            .then([.read(Inbox.Read(userId: userID, notificationId: 101, at: now))])
    }

    @Test func onlyAPersonMarksAndIdsArePositive() {
        Given(Inbox.self).when(.markRead(notificationID: 1, by: .system, now: now)).thenRejected(.forbidden)
        Given(Inbox.self).when(.markRead(notificationID: 0, by: user, now: now)).thenRejected(.invalid, field: "id")
    }

    @Test func eventsKeepTheirNames() {
        expectRoundTrip(Inbox.Event.read(Inbox.Read(userId: userID, notificationId: 7, at: now)), named: "notifications.read")
        expectRoundTrip(Inbox.Event.allRead(Inbox.AllRead(userId: userID, upTo: 7, at: now)), named: "notifications.all-read")
        expectUnknownTypeRefused(Inbox.Event.self)
    }
}

@Suite struct ReminderTests {
    private static let due = Reminder.Due(
        key: "session-x-y", kind: .sessionReminder, subjectId: Fixture.id(5), recipients: [userID], dueAt: Fixture.minutes(-1)
    )

    @Test func aDueReminderFiresOnceAndOnlyBySystem() {
        let fired = Reminder.Event.fired(Reminder.Fired(
            key: "session-x-y", kind: .sessionReminder, subjectId: Fixture.id(5), recipients: [userID], dueAt: Fixture.minutes(-1), at: now
        ))
        Given(Reminder.self).when(.fire(Self.due, by: .system, now: now)).then([fired])
        Given(Reminder.self, [fired]).when(.fire(Self.due, by: .system, now: Fixture.minutes(5))).thenRejected(.conflict)
        Given(Reminder.self).when(.fire(Self.due, by: user, now: now)).thenRejected(.forbidden)
        Given(Reminder.self).when(.fire(Self.due, by: .system, now: Fixture.minutes(-2))).thenRejected(.conflict)
        expectRoundTrip(fired, named: "reminders.reminder-fired")
        expectUnknownTypeRefused(Reminder.Event.self)
    }
}
