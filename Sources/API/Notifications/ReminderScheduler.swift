import Domain
import EventSourcing
import HTTPTypes
public import Logging
import Projections
public import ReadModels
public import ServiceLifecycle

/// Fires due reminders: every `tick` it asks the notifications read model for the reminders whose
/// time (on the platform's clock) has come, and fires each through the command path
/// (`Reminder.fire` on `reminder-<key>`).
///
/// It runs on the primary only (a replica's commands would be redirected): after a failover the
/// promoted node's scheduler takes over where the log says the old one stopped. Firing twice is
/// impossible, not merely avoided: a reminder's stream refuses a second `reminder-fired` (the store
/// appends at the version it decided on), so a restart, a race with a former primary or a read
/// model that has not caught up yet ends in a refusal, which is ignored.
public struct ReminderScheduler: Service {
    let queries: NotificationQueries
    let commands: CommandExecutor
    let node: ReplicationNode
    /// How often the schedule is read.
    var tick: Duration
    let logger: Logger

    /// A scheduler over `queries`' schedule, firing through `commands` while `node` is the primary.
    public init(queries: NotificationQueries, commands: CommandExecutor, node: ReplicationNode, tick: Duration = .seconds(1), logger: Logger) {
        self.queries = queries
        self.commands = commands
        self.node = node
        self.tick = tick
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if node.role == .primary { await fireDue() }
                // Cancelled (the server stops): the loop ends, not with an error.
                try? await Task.sleep(for: tick)
            }
        }
    }

    /// Fires every reminder due now; returns how many fired.
    @discardableResult
    func fireDue() async -> Int {
        let due: [DueReminder]
        do {
            due = try queries.dueReminders(at: commands.now())
        } catch {
            return 0  // the read model is not built yet
        }
        var fired = 0
        var last: Int64 = 0
        for reminder in due {
            guard let kind = Reminder.Kind(rawValue: reminder.kind) else { continue }
            do {
                let recipients = try reminder.recipientId.map { [$0] } ?? queries.peopleFitting(scholarship: reminder.subjectId)
                let committed = try await commands.execute(
                    .fire(Reminder.Due(key: reminder.key, kind: kind, subjectId: reminder.subjectId, recipients: recipients, dueAt: reminder.dueAt),
                          by: .system, now: commands.now()),
                    on: Reminder.self, stream: StreamName.reminder(reminder.key), by: .system
                )
                fired += 1
                last = committed.position
            } catch let error as APIError where error.status.code == 409 {
                continue  // fired already; the read model has not applied it yet
            } catch {
                logger.warning("reminder: firing failed; it is tried again", metadata: ["reminder": "\(reminder.key)", "error": "\(error)"])
            }
        }
        // The next reading of the schedule sees these as fired.
        if last > 0 { _ = await queries.runner.waitUntil(position: last, timeout: .seconds(5)) }
        return fired
    }
}
