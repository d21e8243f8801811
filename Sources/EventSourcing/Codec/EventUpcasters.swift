/// A registry of payload transformations that bring stored events of an old schema version up to
/// the current one before they are decoded.
///
/// An upcaster is keyed by event type and the version it reads; it rewrites the payload (a JSON
/// object, as `JSONSerialization` gives it) into the shape of the next version. The codec chains
/// them: a version-1 payload of a type now at version 3 goes through the 1→2 and then the 2→3
/// upcaster. Upcasters are pure: stored bytes never change, only what is decoded from them.
///
/// ```swift
/// var upcasters = EventUpcasters()
/// upcasters.register("profiles.profile-updated", from: 1) { payload in
///     payload["languages"] = (payload["language"] as? String).map { [$0] } ?? []
///     payload["language"] = nil
/// }
/// ```
public struct EventUpcasters: Sendable {
    /// Rewrites a version-N payload object into version N+1 in place.
    public typealias Upcast = @Sendable (inout [String: Any]) throws -> Void

    private struct Key: Hashable, Sendable {
        var type: String
        var version: Int
    }

    private var upcasts: [Key: Upcast] = [:]

    /// An empty registry.
    public init() {}

    /// Registers how payloads of `type` at schema version `version` become version `version + 1`.
    /// Registering the same (type, version) again replaces the earlier upcaster.
    public mutating func register(_ type: String, from version: Int, _ upcast: @escaping Upcast) {
        upcasts[Key(type: type, version: version)] = upcast
    }

    /// The upcaster reading `type` at `version`, if one is registered.
    public func upcaster(for type: String, from version: Int) -> Upcast? {
        upcasts[Key(type: type, version: version)]
    }

    /// Whether no upcaster is registered.
    public var isEmpty: Bool { upcasts.isEmpty }
}
