import Cryptography
import Domain
import Foundation
import Hummingbird
import ReadModels

/// `GET /console/scholarships` (every scholarship, soonest deadline first), the forms to create
/// (`/new`) and edit (`/{id}`) one with its eligibility, and closing one: the same commands and
/// validation as `POST /scholarships`, `PUT /scholarships/{id}` and `POST /scholarships/{id}/close`.
struct ScholarshipPages: ConsolePages {
    let scholarships: ScholarshipQueries
    let commands: CommandExecutor

    func addRoutes(to routes: ConsoleRoutes) {
        routes.get("scholarships", .operations) { request, _, visit in try list(request, visit) }
        routes.get("scholarships/new", .operations) { _, _, visit in editor(nil, visit) }
        routes.get("scholarships/{id}", .operations) { _, context, visit in
            let id = try context.parameters.uuid("id", what: "scholarship")
            guard let scholarship = try scholarships.scholarship(id: id, now: commands.now()) else {
                throw APIError.notFound("no scholarship with id \(id.uuidString.lowercased())")
            }
            return editor(scholarship, visit)
        }
        routes.post("scholarships", .operations) { form, _, visit in
            let id = SecureRandom.timeOrderedUUID()
            _ = try await commands.execute(
                .create(scholarshipID: id, try Self.details(form), by: visit.principal, now: commands.now()),
                on: Scholarships.self, stream: StreamName.scholarship(id), by: visit.principal
            )
            return ConsoleResponse.redirect("/console/scholarships?done=created")
        }
        routes.post("scholarships/{id}", .operations) { form, context, visit in
            let id = try context.parameters.uuid("id", what: "scholarship")
            _ = try await commands.execute(
                .update(try Self.details(form), by: visit.principal, now: commands.now()),
                on: Scholarships.self, stream: StreamName.scholarship(id), by: visit.principal
            )
            return ConsoleResponse.redirect("/console/scholarships?done=updated")
        }
        routes.post("scholarships/{id}/close", .operations) { _, context, visit in
            let id = try context.parameters.uuid("id", what: "scholarship")
            _ = try await commands.execute(
                .close(by: visit.principal, now: commands.now()), on: Scholarships.self, stream: StreamName.scholarship(id), by: visit.principal
            )
            return ConsoleResponse.redirect("/console/scholarships?done=closed")
        }
    }

    func list(_ request: Request, _ visit: ConsoleVisit) throws -> Response {
        let w = visit.language
        let query = QueryParameters(request)
        let page = try scholarships.list(ScholarshipFilter(), now: commands.now(), page: try query.page())
        let rows = page.items.map { item -> HTML in
            let state: HTML = item.closed ? "<span class=\"bad\">\(w("clôturée", "closed"))</span>"
                : item.open ? "<span class=\"ok\">\(w("ouverte", "open"))</span>" : "\(w("échue", "past its deadline"))"
            let close = item.closed ? HTML.empty : ConsoleLayout.form(
                visit, action: "/console/scholarships/\(item.id)/close", button: w("Clôturer", "Close"), buttonClass: "danger"
            )
            return """
                <tr data-scholarship="\(item.id)"><td><a href="/console/scholarships/\(component: item.id)">\(item.title)</a></td><td>\(item.provider)</td>\
                <td>\(String(item.deadline.prefix(10)))</td><td>\(item.amount.map { "\($0.amount) \($0.currency)" as String })</td>\
                <td data-field="state">\(state)</td><td>\(close)</td></tr>
                """
        }
        let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
        case "created": w("Bourse créée.", "Scholarship created.")
        case "updated": w("Bourse modifiée.", "Scholarship updated.")
        case "closed": w("Bourse clôturée.", "Scholarship closed.")
        default: nil
        }
        var next = HTML.empty
        if let cursor = page.nextCursor {
            next = "<p class=\"pages\"><a rel=\"next\" href=\"/console/scholarships?cursor=\(component: cursor)\">\(w("Suivantes", "More")) →</a></p>"
        }
        let main: HTML = """
            \(ConsoleLayout.notice(notice))
            <p><a href="/console/scholarships/new">\(w("Nouvelle bourse", "New scholarship"))</a></p>
            <div class="table"><table id="scholarships"><thead><tr><th>\(w("Titre", "Title"))</th><th>\(w("Organisme", "Provider"))</th>\
            <th>\(w("Échéance", "Deadline"))</th><th>\(w("Montant", "Amount"))</th><th>\(w("État", "State"))</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            \(next)
            """
        return ConsoleResponse.html(ConsoleLayout.page(w("Bourses", "Scholarships"), language: w, visit: visit, current: "/console/scholarships", main: main))
    }

    /// The form for a new scholarship (`nil`) or an existing one.
    func editor(_ scholarship: ScholarshipView?, _ visit: ConsoleVisit) -> Response {
        let w = visit.language
        let eligibility = scholarship?.eligibility
        let levels = EducationLevel.allCases.map { level -> HTML in
            eligibility?.educationLevels.contains(level) == true
                ? "<option value=\"\(level.rawValue)\" selected>\(level.rawValue)</option>"
                : "<option value=\"\(level.rawValue)\">\(level.rawValue)</option>"
        }
        let action = scholarship.map { "/console/scholarships/\($0.id)" } ?? "/console/scholarships"
        let main: HTML = """
            <form method="post" action="\(action)" class="stack" id="scholarship-form">\(ConsoleLayout.csrfField(visit))
            <label>\(w("Titre", "Title"))<input name="title" required maxlength="200" value="\(scholarship?.title)"></label>
            <label>\(w("Organisme", "Provider"))<input name="provider" required maxlength="200" value="\(scholarship?.provider)"></label>
            <label>\(w("Description", "Description"))<textarea name="description" rows="4" required>\(scholarship?.description)</textarea></label>
            <label>\(w("Montant (ex. 1500.00)", "Amount (e.g. 1500.00)"))<input name="amount" inputmode="decimal" value="\(scholarship?.amount?.amount)"></label>
            <label>\(w("Devise (ISO 4217)", "Currency (ISO 4217)"))<input name="currency" maxlength="3" value="\(scholarship?.amount?.currency ?? "EUR")"></label>
            <label>\(w("Date limite", "Deadline"))<input name="deadline" type="date" required value="\(scholarship.map { String($0.deadline.prefix(10)) })"></label>
            <label>\(w("Lien de candidature", "Application link"))<input name="applicationUrl" type="url" value="\(scholarship?.applicationUrl)"></label>
            <label>\(w("Niveaux d'études (aucun : tous)", "Education levels (none: all)"))<select name="educationLevels" multiple size="5">\(levels)</select></label>
            <label>\(w("Domaines (séparés par des virgules)", "Fields of study (comma-separated)"))<input name="fieldsOfStudy" value="\(eligibility?.fieldsOfStudy.joined(separator: ", "))"></label>
            <label>\(w("Pays (codes ISO, virgules)", "Countries (ISO codes, commas)"))<input name="countries" value="\(eligibility?.countries.joined(separator: ", "))"></label>
            <label>\(w("Conditions (une par ligne)", "Requirements (one per line)"))<textarea name="requirements" rows="3">\(eligibility?.requirements.joined(separator: "\n"))</textarea></label>
            <label>\(w("Préférences (une par ligne)", "Preferences (one per line)"))<textarea name="preferences" rows="3">\(eligibility?.preferences.joined(separator: "\n"))</textarea></label>
            <button type="submit">\(w("Enregistrer", "Save"))</button>
            </form>
            """
        let title = scholarship?.title ?? w("Nouvelle bourse", "New scholarship")
        return ConsoleResponse.html(ConsoleLayout.page(title, language: w, visit: visit, current: "/console/scholarships", main: main))
    }

    /// The scholarship a form describes, checked by the API's own body (`ScholarshipBody`).
    static func details(_ form: ConsoleForm) throws(APIError) -> Scholarships.Details {
        guard let text = form["deadline"], let deadline = Timestamp.parse(text.count == 10 ? text + "T23:59:59Z" : text) else {
            throw .invalid("deadline", "the deadline must be a date such as 2027-03-31")
        }
        let amount = form["amount"].map { MoneyBody(amount: $0, currency: (form["currency"] ?? "EUR").uppercased()) }
        let body = ScholarshipBody(
            title: form["title"] ?? "", description: form["description"] ?? "", provider: form["provider"] ?? "", amount: amount,
            deadline: deadline, applicationUrl: form["applicationUrl"], applicationFee: nil,
            eligibility: ScholarshipBody.Eligibility(
                educationLevels: form.all("educationLevels"), fieldsOfStudy: form.list("fieldsOfStudy"),
                countries: form.list("countries").map { $0.uppercased() }, requirements: form.lines("requirements"),
                preferences: form.lines("preferences")
            )
        )
        return try body.details()
    }
}
