import Domain
import Foundation
import Hummingbird
import ReadModels

/// `GET /console/people` (search), `GET /console/people/{id}` (a person: account, profile, the
/// history of their account's streams) and `POST /console/people/{id}/role` (the API's role
/// change: same command, same rule that nobody changes their own role).
struct PeoplePages: ConsolePages {
    let discovery: Discovery
    let profiles: ProfileQueries
    let audit: AuditQueries
    let commands: CommandExecutor

    /// Most history entries a person's page lists.
    static let historyLimit = 200

    func addRoutes(to routes: ConsoleRoutes) {
        routes.get("people", .operations) { request, _, visit in try search(request, visit) }
        routes.get("people/{id}", .operations) { request, context, visit in try person(request, context, visit) }
        routes.post("people/{id}/role", .operations) { form, context, visit in try await changeRole(form, context, visit) }
    }

    func search(_ request: Request, _ visit: ConsoleVisit) throws -> Response {
        let w = visit.language
        let query = QueryParameters(request)
        let text = try query.string("q") ?? ""
        let results = try discovery.search(
            SearchRequest(text: text, kinds: [.person], page: try query.page()),
            viewer: SearchViewer(userID: visit.principal.userID, isAdmin: true), now: commands.now()
        )
        let rows = results.page.items.map { hit -> HTML in
            "<tr><td><a href=\"/console/people/\(component: hit.id)\">\(hit.title)</a></td><td>\(hit.summary)</td></tr>"
        }
        var next = HTML.empty
        if let cursor = results.page.nextCursor {
            next = "<p class=\"pages\"><a rel=\"next\" href=\"/console/people?q=\(component: text)&amp;cursor=\(component: cursor)\">\(w("Suivants", "More")) →</a></p>"
        }
        let main: HTML = """
            <form method="get" action="/console/people" class="filters" role="search">
            <label>\(w("Nom, domaine, ville…", "Name, field, city…"))<input name="q" type="search" value="\(text)"></label>
            <button type="submit">\(w("Chercher", "Search"))</button></form>
            <div class="table"><table id="people"><thead><tr><th>\(w("Personne", "Person"))</th><th>\(w("Résumé", "Summary"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"2\">\(w("Personne ne correspond.", "Nobody matches."))</td></tr>"] : rows)</tbody></table></div>
            \(next)
            """
        return ConsoleResponse.html(ConsoleLayout.page(w("Personnes", "People"), language: w, visit: visit, current: "/console/people", main: main))
    }

    func person(_ request: Request, _ context: AppRequestContext, _ visit: ConsoleVisit) throws -> Response {
        let w = visit.language
        let id = try context.parameters.uuid("id", what: "user")
        guard let person = try profiles.profile(of: id) else {
            throw APIError.notFound(w("aucune personne avec cet identifiant", "no person with this id"))
        }
        let account = person.account
        let profile = person.profile
        let name = [profile.firstName, profile.lastName].compactMap { $0 }.joined(separator: " ")
        let history = try audit.entries(concerning: id, limit: Self.historyLimit).map { entry -> HTML in
            """
            <tr><td>\(entry.time)</td><td><a href="/console/audit/stream/\(component: entry.stream)">\(entry.stream)</a></td>\
            <td>\(entry.type)</td><td>\(entry.actor ?? "—")</td><td>\(entry.position)</td></tr>
            """
        }
        let options = Role.allCases.map { role -> HTML in
            role == account.role
                ? "<option value=\"\(role.rawValue)\" selected>\(role.rawValue)</option>"
                : "<option value=\"\(role.rawValue)\">\(role.rawValue)</option>"
        }
        let changed = request.uri.queryParameters["changed"].map { _ in w("Rôle modifié.", "Role changed.") }
        let main: HTML = """
            \(ConsoleLayout.notice(changed))
            <dl class="person">
            <dt>\(w("Nom", "Name"))</dt><dd id="person-name">\(name.isEmpty ? "—" : name)</dd>
            <dt>\(w("Adresse", "Email"))</dt><dd>\(account.email ?? "—")</dd>
            <dt>\(w("Rôle", "Role"))</dt><dd id="person-role">\(account.role.rawValue)</dd>
            <dt>\(w("Statut", "Status"))</dt><dd>\(account.status)\(account.emailVerified ? "" : w(" (adresse non vérifiée)", " (email not verified)"))</dd>
            <dt>\(w("Double authentification", "Two-factor"))</dt><dd>\(account.twoFactorEnabled ? w("active", "on") : w("inactive", "off"))</dd>
            <dt>\(w("Inscription", "Registered"))</dt><dd>\(account.registeredAt)</dd>
            <dt>\(w("Dernière connexion", "Last login"))</dt><dd>\(account.lastLoginAt ?? "—")</dd>
            <dt>\(w("Domaine", "Field"))</dt><dd>\(profile.fieldOfStudy ?? "—")</dd>
            <dt>\(w("Lieu", "Place"))</dt><dd>\([profile.city, profile.countryCode].compactMap { $0 }.joined(separator: ", "))</dd>
            <dt>\(w("Présentation", "Bio"))</dt><dd>\(profile.bio ?? "—")</dd>
            </dl>
            <h2>\(w("Changer le rôle", "Change the role"))</h2>
            <form method="post" action="/console/people/\(component: account.userId)/role" class="filters">\(ConsoleLayout.csrfField(visit))
            <label>\(w("Rôle", "Role"))<select name="role" id="role">\(options)</select></label>
            <button type="submit">\(w("Enregistrer", "Save"))</button></form>
            <h2>\(w("Historique du compte", "Account history"))</h2>
            <div class="table"><table id="history"><thead><tr><th>\(w("Heure", "Time"))</th><th>\(w("Flux", "Stream"))</th><th>Type</th>\
            <th>\(w("Auteur", "Actor"))</th><th>Position</th></tr></thead><tbody>\(history)</tbody></table></div>
            """
        let title = name.isEmpty ? w("Personne", "Person") : name
        return ConsoleResponse.html(ConsoleLayout.page(title, language: w, visit: visit, current: "/console/people", main: main))
    }

    /// The same command as `PUT /admin/users/{id}/role`.
    func changeRole(_ form: ConsoleForm, _ context: AppRequestContext, _ visit: ConsoleVisit) async throws -> Response {
        let id = try context.parameters.uuid("id", what: "user")
        let role = try enumField(form["role"] ?? "", "role", as: Role.self)!
        _ = try await commands.execute(
            .grantRole(role, by: visit.principal, now: commands.now()),
            on: Identity.Account.self, stream: StreamName.account(id), by: visit.principal
        )
        return ConsoleResponse.redirect("/console/people/\(id.uuidString.lowercased())?changed=1")
    }
}
