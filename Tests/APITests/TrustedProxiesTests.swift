import API
import Testing

/// Which address `X-Forwarded-For` yields, and for whom (`PROTALENT_TRUSTED_PROXIES`).
@Suite struct TrustedProxiesTests {
    @Test func addressesAndRangesOfBothFamiliesAreMatchedByTheirLeadingBits() throws {
        let proxies = try TrustedProxies("127.0.0.1, 10.1.0.0/16,fd00::/8 ,::1")
        #expect(proxies.contains("127.0.0.1") && !proxies.contains("127.0.0.2"))
        #expect(proxies.contains("10.1.255.7") && !proxies.contains("10.2.0.1"))
        #expect(proxies.contains("fd12:3456::1") && !proxies.contains("fe80::1"))
        #expect(proxies.contains("::1") && !proxies.contains("::2"))
        #expect(!proxies.contains("not an address") && !proxies.contains(""))
        #expect(try TrustedProxies("0.0.0.0/0").contains("203.0.113.7"))
        #expect(try TrustedProxies("10.0.0.0/9").contains("10.127.0.1") && !(try TrustedProxies("10.0.0.0/9").contains("10.128.0.1")))
        #expect(TrustedProxies().isEmpty && !proxies.isEmpty)
    }

    @Test func entriesThatAreNoAddressOrRangeAreRefusedNamingThem() {
        for entry in ["nginx.local", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "127.0.0.1/8/8", "1.2.3"] {
            #expect(throws: TrustedProxies.InvalidEntry.self, "\(entry)") { try TrustedProxies("127.0.0.1,\(entry)") }
        }
        #expect(throws: Never.self) { try TrustedProxies(" , ") }
    }

    @Test func theClientIsTheRightmostAddressThatIsNoProxyAndOnlyAProxyIsBelieved() throws {
        let proxies = try TrustedProxies("127.0.0.1,10.0.0.0/8")
        // From the proxy: the address nginx appended.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        // A client's own entries sit to the left of it and are skipped.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.7"]) == "203.0.113.7")
        // Through two proxies, across two header lines.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.7", "10.0.0.5"]) == "203.0.113.7")
        // Only proxies listed: the leftmost.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["10.0.0.9, 10.0.0.5"]) == "10.0.0.9")
        // Garbage where the client should be: the last proxy's address stays.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.7, bogus"]) == "127.0.0.1")
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: ["bogus, 10.0.0.5"]) == "10.0.0.5")
        // No header: the proxy itself.
        #expect(proxies.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        // From anyone else, the header is not read.
        #expect(proxies.client(peer: "198.51.100.1", forwardedFor: ["203.0.113.7"]) == "198.51.100.1")
        #expect(proxies.client(peer: nil, forwardedFor: ["203.0.113.7"]) == nil)
    }
}
