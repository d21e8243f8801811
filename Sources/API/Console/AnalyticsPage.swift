import Foundation
import Hummingbird
import ReadModels

/// `GET /console/analytics`: the analytics read model drawn as SVG — sign-ups by country, per week
/// by country and per day, mentoring sessions per week, event fill rates, community activity,
/// scholarships per month and the scholarship deadlines ahead.
struct AnalyticsPage: ConsolePages {
    let analytics: AnalyticsQueries
    let scholarships: ScholarshipQueries
    let commands: CommandExecutor

    func addRoutes(to routes: ConsoleRoutes) {
        routes.get("analytics", .operations) { _, _, visit in try page(visit) }
    }

    func page(_ visit: ConsoleVisit) throws -> Response {
        let w = visit.language
        let now = commands.now()
        let overview = try analytics.overview(now: now)
        let none = w("Pas encore de données.", "No data yet.")
        let palette = SVGChart.palette
        let totals = overview.totals
        let cards: [HTML] = [
            ("Inscriptions", "Sign-ups", totals.usersSignedUp), ("Connexions", "Logins", totals.logins),
            ("Séances demandées", "Sessions requested", totals.sessionsRequested), ("Séances terminées", "Sessions completed", totals.sessionsCompleted),
            ("Événements", "Events", totals.events), ("Communautés", "Communities", totals.communities), ("Publications", "Posts", totals.posts),
            ("Bourses ouvertes", "Scholarships open", totals.scholarshipsCreated - totals.scholarshipsClosed),
        ].map { "<div class=\"card\">\(w($0.0, $0.1))<strong>\($0.2)</strong></div>" }
        let deadlines = try scholarships.list(ScholarshipFilter(openOnly: true), now: now, page: PageRequest(limit: 10)).items
        let charts: [HTML] = [
            SVGChart.ranking(
                id: "chart-countries", title: w("Inscriptions par pays", "Sign-ups by country"),
                items: overview.signupsByCountry.prefix(12).map { ($0.countryCode.isEmpty ? "—" : $0.countryCode, Double($0.signups)) }, empty: none
            ),
            Self.signupsPerWeekByCountry(overview.signupsPerWeekByCountry, w, empty: none),
            SVGChart.bars(
                id: "chart-signups", title: w("Inscriptions par jour (30 jours)", "Sign-ups per day (30 days)"),
                labels: overview.signupsPerDay.map { String($0.day.suffix(5)) },
                series: [
                    .init(name: w("Étudiants", "Students"), values: overview.signupsPerDay.map { Double($0.students) }, color: palette[0]),
                    .init(name: w("Mentors", "Mentors"), values: overview.signupsPerDay.map { Double($0.mentors) }, color: palette[1]),
                ], empty: none
            ),
            SVGChart.bars(
                id: "chart-sessions", title: w("Séances de mentorat par semaine", "Mentoring sessions per week"),
                labels: overview.sessionsPerWeek.map { String($0.week.suffix(3)) },
                series: [
                    .init(name: w("Demandées", "Requested"), values: overview.sessionsPerWeek.map { Double($0.requested) }, color: palette[0]),
                    .init(name: w("Acceptées", "Accepted"), values: overview.sessionsPerWeek.map { Double($0.accepted) }, color: palette[1]),
                    .init(name: w("Terminées", "Completed"), values: overview.sessionsPerWeek.map { Double($0.completed) }, color: palette[2]),
                ], empty: none
            ),
            SVGChart.ranking(
                id: "chart-fill", title: w("Taux de remplissage des événements à venir", "Fill rate of upcoming events"),
                items: overview.upcomingEvents.compactMap { event in
                    event.fillRate.map { ("\(event.startDate) · \(event.eventId.prefix(8))", $0) }
                }, maximum: 1, empty: none, value: { String(format: "%.0f %%", $0 * 100) }
            ),
            SVGChart.bars(
                id: "chart-community", title: w("Activité des communautés par semaine", "Community activity per week"),
                labels: overview.communityActivityPerWeek.map { String($0.week.suffix(3)) },
                series: [
                    .init(name: w("Adhésions", "Joins"), values: overview.communityActivityPerWeek.map { Double($0.joins) }, color: palette[0]),
                    .init(name: w("Publications", "Posts"), values: overview.communityActivityPerWeek.map { Double($0.posts) }, color: palette[3]),
                ], empty: none
            ),
            SVGChart.bars(
                id: "chart-scholarships", title: w("Bourses créées et clôturées par mois", "Scholarships created and closed per month"),
                labels: overview.scholarshipsPerMonth.map(\.month),
                series: [
                    .init(name: w("Créées", "Created"), values: overview.scholarshipsPerMonth.map { Double($0.created) }, color: palette[2]),
                    .init(name: w("Clôturées", "Closed"), values: overview.scholarshipsPerMonth.map { Double($0.closed) }, color: palette[4]),
                ], empty: none
            ),
            SVGChart.ranking(
                id: "chart-deadlines", title: w("Échéances des bourses (jours restants)", "Scholarship deadlines (days left)"),
                items: deadlines.compactMap { scholarship in
                    Timestamp.parse(scholarship.deadline).map { (scholarship.title, max(0, $0.timeIntervalSince(now) / 86_400).rounded(.down)) }
                }, empty: none
            ),
        ]
        let main: HTML = "<div class=\"cards\">\(cards)</div>\(charts)"
        return ConsoleResponse.html(ConsoleLayout.page(w("Statistiques", "Analytics"), language: w, visit: visit, current: "/console/analytics", main: main))
    }

    /// Sign-ups per week, one series for each of the four countries with the most sign-ups over
    /// those weeks and one for the rest (more series would not read on a phone).
    static func signupsPerWeekByCountry(_ rows: [AnalyticsOverview.WeeklyCountrySignups], _ w: ConsoleLanguage, empty: String) -> HTML {
        let weeks = Array(Set(rows.map(\.week))).sorted()
        let totals = Dictionary(rows.map { ($0.countryCode, $0.signups) }, uniquingKeysWith: +)
        let leaders = totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(4).map(\.key)
        let column = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
        var values = Array(repeating: Array(repeating: 0.0, count: weeks.count), count: leaders.count + 1)
        for row in rows {
            let line = leaders.firstIndex(of: row.countryCode) ?? leaders.count
            values[line][column[row.week] ?? 0] += Double(row.signups)
        }
        var series = leaders.enumerated().map { index, country in
            SVGChart.Series(name: country.isEmpty ? w("Pays non indiqué", "No country given") : country, values: values[index], color: SVGChart.palette[index])
        }
        if totals.count > leaders.count {
            series.append(.init(name: w("Autres pays", "Other countries"), values: values[leaders.count], color: SVGChart.palette[4]))
        }
        return SVGChart.bars(
            id: "chart-countries-weekly", title: w("Inscriptions par semaine et par pays (12 semaines)", "Sign-ups per week by country (12 weeks)"),
            labels: weeks.map { String($0.suffix(3)) }, series: series, empty: empty
        )
    }
}
