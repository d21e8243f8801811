import Domain
import Foundation
import ReadModels
import Testing

/// Search over the `search` read model built from real events: accents, hostile input, filters,
/// facets, visibility, erasure and pages.
@Suite struct SearchTests {
    @Test func accentsAndCaseMeetAndTitlesOutrankBodies() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let inTitle = try await world.scholarship("Bourse d'excellence Sénégal", description: "Financement complet.")
        let inBody = try await world.scholarship("Programme Avenir", description: "Une bourse pour les étudiants en master.")
        _ = try await world.scholarship("Prix de recherche", description: "Pour doctorants.")
        let discovery = try await world.discovery()
        for text in ["bourse", "Bourse", "boursé", "BOURSE", "bour"] {
            let results = try discovery.search(SearchRequest(text: text, kinds: [.scholarship]), viewer: .anonymous, now: world.now)
            #expect(results.page.items.map(\.id) == [inTitle, inBody].map { $0.uuidString.lowercased() }, "query \(text)")
        }
    }

    @Test func aFrenchQueryFindsEnglishTextAndBackWhateverTheAccentsAndCase() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let computing = try await world.scholarship("Computer Science Scholarship", description: "For software students.",
                                                    eligibility: .init(fieldsOfStudy: ["Computer Science"]))
        let health = try await world.scholarship("Public Health Fellowship", description: "Supports students in public health.")
        let santé = try await world.scholarship("Bourse en santé publique", description: "Pour les étudiants en épidémiologie.")
        let informatique = try await world.scholarship("Bourse informatique", description: "Pour les développeurs.")
        _ = try await world.scholarship("Bourse de droit", description: "Pour les juristes.")
        let discovery = try await world.discovery()
        func found(_ text: String) throws -> Set<UUID> {
            Set(try discovery.search(SearchRequest(text: text, kinds: [.scholarship]), viewer: .anonymous, now: world.now).page.items
                .compactMap { UUID(uuidString: $0.id) })
        }
        for text in ["informatique", "Informatique", "INFORMATIQUE", "computer science", "Computer Science"] {
            #expect(try found(text) == [computing, informatique], "query \(text)")
        }
        for text in ["santé publique", "sante publique", "SANTÉ PUBLIQUE", "public health", "Public Health"] {
            #expect(try found(text) == [health, santé], "query \(text)")
        }
        // The bilingual term list is the platform's vocabulary too: "bourse" finds a "scholarship".
        #expect(try found("scholarship").isSuperset(of: [santé, informatique, computing]))
        // A field filter takes the field's name in the other language.
        let ada = try await world.user("Ada", "Sarr", .init(fieldOfStudy: "Computer Science"))
        let people = try await world.discovery().search(SearchRequest(kinds: [.person], filters: .init(field: "Informatique")),
                                                        viewer: .anonymous, now: world.now)
        #expect(people.page.items.map(\.id) == [ada.uuidString.lowercased()])
    }

    @Test func hostileInputNeverThrows() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        _ = try await world.scholarship("Bourse \"spéciale\" (2027)", description: "NEAR: énergie - vent solaire * AND OR NOT")
        _ = try await world.event("Atelier énergie solaire")
        let discovery = try await world.discovery()
        let hostile = [
            "\"", "\"\"", "\"bourse", "bourse\"", "(", ")", "((bourse", "bourse))", "NEAR", "NEAR(bourse solaire)", "bourse NEAR/3 solaire",
            "*", "bour*", "**", "*bourse", "-", "-bourse", "bourse -", "- -", ":", "title:bourse", "kind:event", "{title}: x", "^bourse",
            "AND", "OR", "NOT", "bourse AND", "OR bourse", "NOT NOT", "a", "é", "'; DROP TABLE docs; --", "\\", "\u{0}", "énergie\u{0}solaire",
            "bourse\" OR \"x", "🙂", "😀 bourse", String(repeating: "bourse ", count: 5_000), String(repeating: "(", count: 10_000),
            String(repeating: "\"", count: 999), "énergie -solaire", "\"énergie solaire\"", "\"énergie solaire", "solaire*", "x:y:z",
        ]
        for text in hostile {
            for kinds in [Set<SearchKind>(), [.scholarship], [.event, .post]] {
                let results = try discovery.search(SearchRequest(text: text, kinds: kinds), viewer: .anonymous, now: world.now)
                #expect(results.page.items.count <= PageRequest.defaultLimit)
            }
        }
        // What is understood still works: a phrase, an exclusion, a prefix.
        let phrase = try discovery.search(SearchRequest(text: "\"énergie solaire\""), viewer: .anonymous, now: world.now)
        #expect(phrase.page.items.map(\.title) == ["Atelier énergie solaire"])
        let excluded = try discovery.search(SearchRequest(text: "énergie -atelier"), viewer: .anonymous, now: world.now)
        #expect(excluded.page.items.map(\.kind) == [.scholarship])
        let injected = try discovery.search(SearchRequest(text: "kind:event"), viewer: .anonymous, now: world.now)
        #expect(injected.page.items.isEmpty)
    }

    @Test func filtersCombineWithTextAndFacetsCountTheWholeResult() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        _ = try await world.scholarship("Bourse Sénégal master", eligibility: .init(educationLevels: [.master], countries: ["SN"]))
        _ = try await world.scholarship("Bourse Côte d'Ivoire", eligibility: .init(countries: ["CI"]))
        let everywhere = try await world.scholarship("Bourse internationale")
        let closed = try await world.scholarship("Bourse fermée", closed: true)
        let past = try await world.scholarship("Bourse passée", deadlineInDays: -2)
        _ = try await world.event("Webinaire bourses", type: .webinar, inDays: 5, online: true)
        _ = try await world.event("Salon des bourses", type: .networking, inDays: 40, online: false)
        let discovery = try await world.discovery()

        let senegal = try discovery.search(SearchRequest(text: "bourse", kinds: [.scholarship], filters: .init(country: "sn", open: true)),
                                           viewer: .anonymous, now: world.now)
        #expect(Set(senegal.page.items.map(\.title)) == ["Bourse Sénégal master", "Bourse internationale"])
        #expect(senegal.total == 2)
        #expect(senegal.facets["level"] == [FacetCount(value: "master", count: 1)])
        #expect(senegal.facets["country"]?.contains(FacetCount(value: "SN", count: 1)) == true)

        let notOpen = try discovery.search(SearchRequest(kinds: [.scholarship], filters: .init(open: false)), viewer: .anonymous, now: world.now)
        #expect(Set(notOpen.page.items.map(\.id)) == Set([closed, past].map { $0.uuidString.lowercased() }))

        let online = try discovery.search(SearchRequest(text: "bourses", kinds: [.event], filters: .init(online: true)), viewer: .anonymous, now: world.now)
        #expect(online.page.items.map(\.title) == ["Webinaire bourses"])
        let soon = try discovery.search(SearchRequest(kinds: [.event], filters: .init(to: world.now.addingTimeInterval(20 * 86_400))),
                                        viewer: .anonymous, now: world.now)
        #expect(soon.page.items.map(\.title) == ["Webinaire bourses"])

        // Empty text with filters: a filtered list in the kind's order (deadline), facets over it.
        let list = try discovery.search(SearchRequest(kinds: [.scholarship], filters: .init(open: true)), viewer: .anonymous, now: world.now)
        #expect(list.page.items.count == 3)
        #expect(list.facets["kind"] == [FacetCount(value: "scholarship", count: 3)])
        #expect(list.page.items.contains { $0.id == everywhere.uuidString.lowercased() })
        let all = try discovery.search(SearchRequest(text: "bourse"), viewer: .anonymous, now: world.now)
        #expect(all.facets["kind"]?.first(where: { $0.value == "event" })?.count == 2)
        #expect(Set(all.facets["online"] ?? []) == [FacetCount(value: "true", count: 1), FacetCount(value: "false", count: 1)])
        #expect(all.facets["type"]?.count == 2)
    }

    @Test func pagesFollowEachOtherWithoutRepeats() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        for index in 0..<7 { _ = try await world.scholarship("Bourse numéro \(index)", description: "bourse " + String(repeating: "x ", count: index)) }
        let discovery = try await world.discovery()
        for text in ["bourse", ""] {
            var seen: [String] = []
            var cursor: PageCursor?
            repeat {
                let results = try discovery.search(SearchRequest(text: text, kinds: [.scholarship], page: PageRequest(limit: 3, cursor: cursor)),
                                                   viewer: .anonymous, now: world.now)
                seen += results.page.items.map(\.id)
                cursor = results.page.nextCursor.flatMap(PageCursor.init(encoded:))
            } while cursor != nil
            #expect(seen.count == 7 && Set(seen).count == 7, "text '\(text)'")
        }
        #expect(throws: DiscoveryError.invalidCursor) {
            try discovery.search(SearchRequest(text: "bourse", page: PageRequest(cursor: PageCursor(key: "abc", id: "1"))), viewer: .anonymous, now: world.now)
        }
    }

    @Test func profileVisibilityIsRespected() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let open = try await world.user("Awa", "Diallo", .init(fieldOfStudy: "Informatique"))
        let members = try await world.user("Moussa", "Diallo", .init(fieldOfStudy: "Informatique"))
        let hidden = try await world.user("Fatou", "Diallo", .init(fieldOfStudy: "Informatique"))
        try await world.visibility(members, .members)
        try await world.visibility(hidden, .private)
        let discovery = try await world.discovery()
        func people(_ viewer: SearchViewer) throws -> Set<UUID> {
            Set(try discovery.search(SearchRequest(text: "diallo", kinds: [.person]), viewer: viewer, now: world.now).page.items.compactMap { UUID(uuidString: $0.id) })
        }
        #expect(try people(.anonymous) == [open])
        #expect(try people(SearchViewer(userID: open)) == [open, members])
        #expect(try people(SearchViewer(userID: hidden)) == [open, members, hidden])
        #expect(try people(SearchViewer(userID: UUID(), isAdmin: true)) == [open, members, hidden])
        let filtered = try discovery.search(SearchRequest(kinds: [.person], filters: .init(country: "SN", field: "informatique", role: "student")),
                                            viewer: .anonymous, now: world.now)
        #expect(filtered.page.items.map(\.title) == ["Awa Diallo"])
        // Private data never indexed: the email is not searchable.
        let byEmail = try discovery.search(SearchRequest(text: "example.org"), viewer: SearchViewer(userID: UUID(), isAdmin: true), now: world.now)
        #expect(byEmail.page.items.isEmpty)
    }

    @Test func erasureRemovesThePersonTheirMentorProfileAndTheirPosts() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let mentor = try await world.mentor("Kofi", "Mensah", expertise: ["Énergie solaire"])
        let other = try await world.user("Ana", "Sow")
        let community = try await world.community("Énergie Afrique", owner: other)
        try await world.join(community, mentor)
        try await world.post(community, by: mentor, title: "Kofi parle de solaire", body: "Les panneaux solaires de Kofi")
        try await world.post(community, by: other, title: "Solaire", body: "Mon avis sur le solaire")
        var discovery = try await world.discovery()
        #expect(try discovery.search(SearchRequest(text: "kofi"), viewer: .anonymous, now: world.now).page.items.count == 3)

        try await world.erase(mentor)
        discovery = try await world.discovery()
        #expect(try discovery.search(SearchRequest(text: "kofi"), viewer: SearchViewer(userID: UUID(), isAdmin: true), now: world.now).page.items.isEmpty)
        let solar = try discovery.search(SearchRequest(text: "solaire"), viewer: SearchViewer(userID: UUID(), isAdmin: true), now: world.now)
        #expect(solar.page.items.map(\.title) == ["Solaire"])
        #expect(try discovery.search(SearchRequest(text: "erased"), viewer: SearchViewer(userID: UUID(), isAdmin: true), now: world.now).page.items.isEmpty)
    }

    @Test func postsOfPrivateCommunitiesOnlyForMembers() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let owner = try await world.user("Ibrahima", "Fall")
        let outsider = try await world.user("Claire", "Martin")
        let closed = try await world.community("Cercle privé", owner: owner, isPrivate: true)
        let open = try await world.community("Forum public", owner: owner)
        try await world.post(closed, by: owner, title: "Secret", body: "Stage en énergie réservé aux membres")
        try await world.post(open, by: owner, title: "Annonce", body: "Stage en énergie pour tous")
        let discovery = try await world.discovery()
        func titles(_ viewer: SearchViewer) throws -> Set<String> {
            Set(try discovery.search(SearchRequest(text: "stage", kinds: [.post]), viewer: viewer, now: world.now).page.items.map(\.title))
        }
        #expect(try titles(.anonymous) == ["Annonce"])
        #expect(try titles(SearchViewer(userID: outsider)) == ["Annonce"])
        #expect(try titles(SearchViewer(userID: owner)) == ["Annonce", "Secret"])
        // The private community itself is listed (people can ask to join), with its category facet.
        let communities = try discovery.search(SearchRequest(kinds: [.community], filters: .init(category: "academic")), viewer: .anonymous, now: world.now)
        #expect(communities.page.items.count == 2)
    }

    @Test func unverifiedMentorsAreNotFound() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        _ = try await world.mentor("Vérifiée", "Ndiaye", expertise: ["Data science"], languages: ["fr", "en"])
        _ = try await world.mentor("Pasencore", "Ndiaye", expertise: ["Data science"], verified: false)
        let discovery = try await world.discovery()
        let results = try discovery.search(SearchRequest(text: "data", kinds: [.mentor], filters: .init(language: "EN")), viewer: .anonymous, now: world.now)
        #expect(results.page.items.map(\.title) == ["Vérifiée Ndiaye"])
        #expect(results.page.items.first?.summary == "Data science")
    }

    /// A build indexes each document's final text once; the live model's triggers move the index at
    /// each change of that text (a new document, an edit, an erasure): both must end with the same
    /// index, token for token.
    @Test func theLiveFullTextIndexEqualsTheOneARebuildMakes() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let mentor = try await world.mentor("Kofi", "Mensah", expertise: ["Énergie solaire"])
        let student = try await world.user("Awa", "Diop", .init(bio: "Étudiante en data science"))
        let community = try await world.community("Énergie Afrique", owner: student, description: "Entraide")
        try await world.join(community, mentor)
        try await world.post(community, by: mentor, title: "Panneaux", body: "Les panneaux solaires de Kofi")
        try await world.post(community, by: student, title: nil, body: "Mon avis sur le solaire")
        _ = try await world.event("Atelier CV", description: "Relire son CV")
        _ = try await world.scholarship("Bourse solaire")
        _ = try await world.discovery() // the live model has what came so far
        try await world.profile(student, .init(bio: "Étudiante en énergie", fieldOfStudy: "Physique"))
        try await world.profile(mentor, .init(firstName: "Kwame"))
        try await world.erase(mentor)
        let discovery = try await world.discovery()
        #expect(try discovery.search(SearchRequest(text: "physique"), viewer: .anonymous, now: world.now).page.items.map(\.title) == ["Awa Diop"])

        let live = try world.fullTextIndex()
        #expect(live.contains { $0.hasPrefix("physique ") })
        #expect(!live.contains { $0.hasPrefix("kofi ") || $0.hasPrefix("kwame ") }, "the erased mentor's name stayed in the index")
        try await world.rebuildSearch()
        let rebuilt = try world.fullTextIndex()
        #expect(rebuilt.count > 20)
        #expect(live == rebuilt)
    }

    /// The person's tags and their mentor document are rewritten only when their values change:
    /// they must still follow every edit that does change them.
    @Test func tagsAndTheMentorDocumentFollowTheEditsThatChangeThem() async throws {
        let world = try DiscoveryWorld()
        defer { world.close() }
        let mentor = try await world.mentor("Kofi", "Mensah", country: "SN", expertise: ["Data science"])
        try await world.profile(mentor, .init(bio: "Ingénieur données", fieldOfStudy: "Informatique"))
        try await world.profile(mentor, .init(bio: "Ingénieur données à Dakar")) // text only: tags as they were
        func people(_ filters: SearchFilters) async throws -> [String] {
            try await world.discovery().search(SearchRequest(kinds: [.person], filters: filters), viewer: .anonymous, now: world.now).page.items.map(\.title)
        }
        func mentors(_ text: String, _ filters: SearchFilters = .init()) async throws -> [String] {
            try await world.discovery().search(SearchRequest(text: text, kinds: [.mentor], filters: filters), viewer: .anonymous, now: world.now)
                .page.items.map(\.title)
        }
        #expect(try await people(.init(country: "SN", field: "informatique")) == ["Kofi Mensah"])
        #expect(try await mentors("data", .init(country: "SN")) == ["Kofi Mensah"])

        try await world.profile(mentor, .init(firstName: "Kwame", fieldOfStudy: "Droit", countryCode: "CI"))
        #expect(try await people(.init(country: "SN")).isEmpty)
        #expect(try await people(.init(country: "CI", field: "droit")) == ["Kwame Mensah"])
        #expect(try await mentors("data", .init(country: "CI")) == ["Kwame Mensah"])
        #expect(try await mentors("data", .init(country: "SN")).isEmpty)

        try await world.visibility(mentor, .private)
        #expect(try await mentors("data").isEmpty)
        #expect(try await people(.init(country: "CI")).isEmpty)
    }
}
