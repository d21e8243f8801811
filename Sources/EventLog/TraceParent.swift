/// The W3C trace context (`traceparent`, version 00) of the command that wrote an event: the trace
/// and span a later reader links to when it applies the event, on this node or on a replica.
///
/// The log stores it in 25 bytes (trace id, span id, flags, in the header's byte order) and knows
/// nothing of tracers; `EventSourcing` fills it from the current span and turns it back into a link.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The trace id (the header's 32 hex digits); never zero.
    public let traceID: UInt128
    /// The id of the span that wrote the event (the header's parent id, 16 hex digits); never zero.
    public let spanID: UInt64
    /// The trace flags; bit 0 says the trace was sampled.
    public let flags: UInt8

    /// A context, or `nil` when an id is zero (the header's invalid value).
    public init?(traceID: UInt128, spanID: UInt64, flags: UInt8) {
        guard traceID != 0, spanID != 0 else { return nil }
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// The context a `traceparent` header value names, or `nil` when it is not one: version `00`
    /// exactly 55 characters; a later version may append fields after the flags (the header's rule);
    /// version `ff` and zero ids are invalid.
    public init?(_ header: String) {
        let text = Array(header.utf8)
        guard text.count >= 55, text[2] == UInt8(ascii: "-"), text[35] == UInt8(ascii: "-"), text[52] == UInt8(ascii: "-"),
              let version = Self.hex(text[0..<2], as: UInt8.self), version != 0xFF,
              version != 0 || text.count == 55, text.count == 55 || text[55] == UInt8(ascii: "-"),
              let traceID = Self.hex(text[3..<35], as: UInt128.self),
              let spanID = Self.hex(text[36..<52], as: UInt64.self),
              let flags = Self.hex(text[53..<55], as: UInt8.self)
        else { return nil }
        self.init(traceID: traceID, spanID: spanID, flags: flags)
    }

    /// Whether the trace was sampled (flags bit 0): only a sampled trace reaches a collector.
    public var isSampled: Bool { flags & 1 != 0 }

    /// The trace id as the header writes it: 32 lowercase hex digits.
    public var traceIDHex: String { Self.hexText(traceID, digits: 32) }

    /// The `traceparent` header value: `00-<trace id>-<span id>-<flags>`.
    public var description: String {
        "00-\(traceIDHex)-\(Self.hexText(spanID, digits: 16))-\(Self.hexText(flags, digits: 2))"
    }

    /// Lowercase hex digits only (the header allows no other form, and `init(_:radix:)` would take a sign).
    private static func hex<T: FixedWidthInteger>(_ digits: ArraySlice<UInt8>, as: T.Type) -> T? {
        var value: T = 0
        for digit in digits {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | T(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | T(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return value
    }

    private static func hexText<T: FixedWidthInteger>(_ value: T, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}

/// Coded as its header value, so JSON shows what a tracer shows.
extension TraceParent: Codable {
    /// Decodes a header value; anything else is corrupt data.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parent = TraceParent(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a W3C traceparent: \(text)")
        }
        self = parent
    }

    /// Encodes the header value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
