import Foundation
import Glibc

/// The proxies in front of the server whose `X-Forwarded-For` is believed
/// (`PROTALENT_TRUSTED_PROXIES`: addresses and CIDR ranges, comma separated, e.g.
/// `127.0.0.1,10.0.0.0/24,::1`). Behind nginx every connection comes from nginx; without this the
/// per-address rate limits and alert detectors would count every client as one.
///
/// Only a connection from a listed proxy is read for the header, and its list is walked from the
/// right, past the proxies' own addresses, to the first address a trusted proxy saw a connection
/// from: entries a client wrote on its own (to the left) are never taken.
public struct TrustedProxies: Sendable, Equatable {
    /// One range: the address's bytes (4 or 16) and how many leading bits must match.
    struct Range: Sendable, Equatable {
        var bytes: [UInt8]
        var prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var bits = prefixLength
            for (mine, theirs) in zip(bytes, address) where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                guard mine & mask == theirs & mask else { return false }
                bits -= 8
            }
            return true
        }
    }

    let ranges: [Range]

    /// No proxy: `X-Forwarded-For` is never read.
    public init() { ranges = [] }

    /// The list in `text` (`PROTALENT_TRUSTED_PROXIES`); an entry that is no address or range is
    /// refused, naming it.
    public init(_ text: String) throws(InvalidEntry) {
        ranges = try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { (entry: String) throws(InvalidEntry) -> Range in
                let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let bytes = Self.bytes(of: parts[0]) else { throw InvalidEntry(entry: entry) }
                let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
                guard let length, (0...(bytes.count * 8)).contains(length) else { throw InvalidEntry(entry: entry) }
                return Range(bytes: bytes, prefixLength: length)
            }
    }

    /// The list in `PROTALENT_TRUSTED_PROXIES`, or none.
    public init(environment: [String: String]) throws(InvalidEntry) {
        try self.init(environment["PROTALENT_TRUSTED_PROXIES"] ?? "")
    }

    /// Whether no proxy is trusted.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` is one of the proxies.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address for a connection from `peer` carrying `forwardedFor` (every
    /// `X-Forwarded-For` value, in order): the rightmost entry that is not a proxy, when `peer` is
    /// one; `peer` itself otherwise, or when that entry is not an address.
    public func client(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, contains(peer) else { return peer }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for entry in entries.reversed() {
            guard Self.bytes(of: entry) != nil else { return client }
            client = entry
            if !contains(entry) { break }
        }
        return client
    }

    /// The bytes of an IPv4 or IPv6 address in text, or `nil`.
    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// An entry of `PROTALENT_TRUSTED_PROXIES` that is neither an address nor a CIDR range.
    public struct InvalidEntry: Error, CustomStringConvertible {
        /// The entry as written.
        public let entry: String

        public var description: String {
            "PROTALENT_TRUSTED_PROXIES: '\(entry)' is not an IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/24, ::1)"
        }
    }
}
