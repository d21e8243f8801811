import Testing
@testable import Domain
@Suite struct DomainPlaceholderTests { @Test func namespaceExists() { #expect(String(describing: ProTalentDomain.self) == "ProTalentDomain") } }
