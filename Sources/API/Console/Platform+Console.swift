import EventSourcing
import Foundation
import Hummingbird
import Projections
import ReadModels

extension Platform {
    /// How long a console session lives without a request: `PROTALENT_CONSOLE_IDLE_MINUTES`, 30 by default.
    var consoleIdleTimeout: TimeInterval {
        let minutes = configuration.environment["PROTALENT_CONSOLE_IDLE_MINUTES"].flatMap(Double.init) ?? 30
        return max(1, minutes) * 60
    }

    /// Adds the operator console under `/console` to `router`: its sessions, its sign-in through
    /// `signIn`, and each part handed only the services it uses (`verifier` is the audit trail's,
    /// shared with `/admin/audit` so both report the same check).
    func addConsole(to router: Router<AppRequestContext>, signIn: PasswordSignIn, verifier: ChainVerifier) throws {
        let sessions = ConsoleSessions(key: secrets.consoleSessionKey, clock: clock, idleTimeout: consoleIdleTimeout)
        let pages: [any ConsolePages] = [
            OverviewPage(log: log, projections: readModels, replication: replication, archive: archive, verifier: verifier, commands: commands),
            AuditPages(
                audit: try readModels.audit, log: log, payloads: ConsolePayload(revealer: PersonalDataRevealer(keyStore: keys)),
                verifier: verifier, commands: commands
            ),
            ProjectionsPage(projections: readModels),
            AnalyticsPage(analytics: try readModels.analytics, scholarships: try readModels.scholarships, commands: commands),
            PeoplePages(discovery: try readModels.discovery, profiles: try readModels.profiles, audit: try readModels.audit, commands: commands),
            ModerationPage(communities: try readModels.communities, profiles: try readModels.profiles, commands: commands),
            ScholarshipPages(scholarships: try readModels.scholarships, commands: commands),
        ]
        ConsoleController(signIn: signIn, sessions: sessions, access: access, commands: commands, tokens: tokens)
            .addRoutes(to: router, pages: pages)
    }
}
