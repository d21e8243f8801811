/// The frame of every console page: the document, the header with the navigation the visitor's
/// role allows, the language link and the sign-out form.
enum ConsoleLayout {
    /// The navigation: path, French and English label, area.
    static let sections: [(path: String, fr: String, en: String, area: ConsoleArea)] = [
        ("/console/", "Vue d'ensemble", "Overview", .operations),
        ("/console/audit", "Journal d'audit", "Audit trail", .operations),
        ("/console/projections", "Projections", "Projections", .operations),
        ("/console/analytics", "Statistiques", "Analytics", .operations),
        ("/console/people", "Personnes", "People", .operations),
        ("/console/moderation", "Modération", "Moderation", .moderation),
        ("/console/scholarships", "Bourses", "Scholarships", .operations),
    ]

    /// A whole page: `title`, then `main` inside the frame; `visit` is `nil` before sign-in.
    static func page(_ title: String, language requested: ConsoleLanguage, visit: ConsoleVisit?, current: String = "", main: HTML) -> HTML {
        let language = visit?.language ?? requested
        var navigation = HTML.empty
        var signOut = HTML.empty
        if let visit {
            let links = sections.filter { $0.area.admits(visit.role) }.map { section -> HTML in
                let label = language(section.fr, section.en)
                return section.path == current
                    ? "<li><a href=\"\(section.path)\" aria-current=\"page\">\(label)</a></li>"
                    : "<li><a href=\"\(section.path)\">\(label)</a></li>"
            }
            navigation = "<nav aria-label=\"\(language("Sections", "Sections"))\"><ul>\(links)</ul></nav>"
            signOut = """
            <form method="post" action="/console/logout" class="signout">\(csrfField(visit))\
            <button type="submit">\(language("Se déconnecter", "Sign out"))</button></form>
            """
        }
        let other = language.other
        return """
        <!doctype html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · ProTalent console</title>
        <link rel="stylesheet" href="/console/assets/console.css">
        <script src="/console/assets/console.js" defer></script>
        </head>
        <body>
        <header>
        <a class="brand" href="/console/">ProTalent</a>
        \(navigation)
        <a class="language" href="?lang=\(other.rawValue)" lang="\(other.rawValue)">\(other == .en ? "English" : "Français")</a>
        \(signOut)
        </header>
        <main id="main">
        <h1>\(title)</h1>
        \(main)
        </main>
        </body>
        </html>
        """
    }

    /// The hidden field every form of a session carries.
    static func csrfField(_ visit: ConsoleVisit) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(visit.csrfToken)\">"
    }

    /// A form posting to `action` with the CSRF field, `fields` and one button; with `confirm`,
    /// `console.js` asks that question first (without the script the form posts at once).
    static func form(
        _ visit: ConsoleVisit, action: String, button: String, fields: HTML = .empty, buttonClass: String = "", confirm: String? = nil
    ) -> HTML {
        let question: HTML = confirm.map { " data-confirm=\"\($0)\"" } ?? .empty
        return """
        <form method="post" action="\(action)" class="inline"\(question)>\(csrfField(visit))\(fields)\
        <button type="submit" class="\(buttonClass)">\(button)</button></form>
        """
    }

    /// A message box (`role="status"`) when there is a message.
    static func notice(_ message: String?) -> HTML {
        guard let message else { return .empty }
        return "<p class=\"notice\" role=\"status\">\(message)</p>"
    }
}
