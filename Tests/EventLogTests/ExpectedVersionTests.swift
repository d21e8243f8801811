import Testing
@testable import EventLog
@Suite struct ExpectedVersionTests {
    @Test func matrix() {
        #expect(ExpectedVersion.any.isSatisfied(by: 0) && ExpectedVersion.any.isSatisfied(by: 5))
        #expect(ExpectedVersion.noStream.isSatisfied(by: 0) && !ExpectedVersion.noStream.isSatisfied(by: 1))
        #expect(!ExpectedVersion.exists.isSatisfied(by: 0) && ExpectedVersion.exists.isSatisfied(by: 1))
        #expect(ExpectedVersion.exactly(3).isSatisfied(by: 3) && !ExpectedVersion.exactly(3).isSatisfied(by: 2))
    }
}
