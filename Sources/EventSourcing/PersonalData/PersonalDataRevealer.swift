import Cryptography
import EventLog
import Foundation

/// Rewrites a stored JSON payload for readers that work on JSON rather than on typed events
/// (SQL projections): every encrypted `Personal` field becomes its clear value while the subject's
/// key exists, and the JSON string `"[erased]"` once it is gone.
///
/// It works on the bytes `EventCodec` writes, without parsing the whole payload: an encrypted field
/// is exactly `{"enc":"<base64>","sub":"<uuid>"}` (sorted keys, no spaces), a sequence that cannot
/// occur inside a JSON string (its quotes would be escaped), so every occurrence is a field. The
/// clear value replaces it as the compact JSON the cipher sealed. `{"erased":true}`, what `Personal`
/// writes without a cipher, also becomes `"[erased]"`. Everything else is kept byte for byte.
public struct PersonalDataRevealer: Sendable {
    /// The JSON that stands for an erased value.
    public static let erasedJSON: [UInt8] = Array("\"[erased]\"".utf8)

    /// Where the data keys live; `nil` treats every encrypted field as erased.
    public let keyStore: KeyStore?

    /// A revealer over `keyStore`.
    public init(keyStore: KeyStore?) {
        self.keyStore = keyStore
    }

    private static let encPrefix = Array("{\"enc\":\"".utf8)
    private static let subInfix = Array("\",\"sub\":\"".utf8)
    private static let erasedMarker = Array("{\"erased\":true}".utf8)

    /// The payload with its personal fields revealed or marked erased.
    ///
    /// - Throws: `PersonalDataError.tampered` when a ciphertext does not authenticate,
    ///   `.malformed` when an encrypted field is not well-formed, `KeyStore.Error` when a key file
    ///   cannot be read.
    public func reveal(_ payload: [UInt8]) throws -> [UInt8] {
        guard var brace = firstBrace(in: payload, from: 0) else { return payload }
        var subject: Subject? // the fields of a payload are mostly one person's: one key look-up
        var output: [UInt8] = []
        output.reserveCapacity(payload.count)
        var kept = 0 // payload[..<kept] is in `output`
        while true {
            // What lies between personal fields is copied in one piece, not byte by byte.
            if let (replacement, end) = try field(in: payload, at: brace, &subject) {
                output.append(contentsOf: payload[kept..<brace])
                output.append(contentsOf: replacement)
                kept = end
                brace = end
            } else {
                brace += 1
            }
            guard let next = firstBrace(in: payload, from: brace) else { break }
            brace = next
        }
        output.append(contentsOf: payload[kept...])
        return output
    }

    /// The index of the next `{` from `start` that opens a personal field's marker.
    private func firstBrace(in payload: [UInt8], from start: Int) -> Int? {
        // Cheap test first: most payloads have no personal data.
        guard payload.count >= Self.erasedMarker.count else { return nil }
        var from = start
        while from < payload.count, let index = payload[from...].firstIndex(of: UInt8(ascii: "{")) {
            if matches(payload, at: index, Self.encPrefix) || matches(payload, at: index, Self.erasedMarker) { return index }
            from = index + 1
        }
        return nil
    }

    private func matches(_ bytes: [UInt8], at index: Int, _ pattern: [UInt8]) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    /// The subject of the last field revealed: its id as written, an opener of its key (`nil`:
    /// erased) and the additional data its ciphertexts authenticate.
    private struct Subject {
        var text: ArraySlice<UInt8>
        var id: UUID
        var opener: AES256GCM.Opener?
        var associatedData: [UInt8]
    }

    /// The replacement of the personal field starting at `index`, and the index after it; `nil` when
    /// no personal field starts there. `subject`: the last field's, reused when this one names it too.
    private func field(in payload: [UInt8], at index: Int, _ subject: inout Subject?) throws -> ([UInt8], Int)? {
        if matches(payload, at: index, Self.erasedMarker) {
            return (Self.erasedJSON, index + Self.erasedMarker.count)
        }
        guard matches(payload, at: index, Self.encPrefix) else { return nil }
        var cursor = index + Self.encPrefix.count
        let encStart = cursor
        var escaped = false // `\/`: the codec writes none, but JSON allows it
        while cursor < payload.count, payload[cursor] != UInt8(ascii: "\"") {
            if payload[cursor] == UInt8(ascii: "\\") { escaped = true; cursor += 1 }
            cursor += 1
        }
        let encEnd = min(cursor, payload.count)
        guard matches(payload, at: cursor, Self.subInfix) else { return nil }
        cursor += Self.subInfix.count
        let subStart = cursor
        while cursor < payload.count, payload[cursor] != UInt8(ascii: "\"") { cursor += 1 }
        guard cursor + 1 < payload.count, payload[cursor + 1] == UInt8(ascii: "}") else { return nil }
        let end = cursor + 2
        let subjectText = payload[subStart..<min(cursor, payload.count)]
        if subject.map({ !$0.text.elementsEqual(subjectText) }) ?? true {
            guard let id = UUIDText.parse(subjectText) else {
                throw PersonalDataError.malformed("'sub' is not a UUID", at: [])
            }
            let opener = try keyStore?.key(for: id, create: false).map { key throws(AES256GCM.Error) in try AES256GCM.Opener(key: key) }
            subject = Subject(text: subjectText, id: id, opener: opener, associatedData: KeyStoreCipher.associatedData(id))
        }
        let decoded: [UInt8]?
        if escaped {
            var encText: [UInt8] = []
            var at = encStart
            while at < encEnd {
                if payload[at] == UInt8(ascii: "\\") { at += 1; guard at < encEnd else { break } }
                encText.append(payload[at])
                at += 1
            }
            decoded = encText.withUnsafeBufferPointer { Base64.decode(utf8: $0) }
        } else {
            decoded = payload.withUnsafeBufferPointer { Base64.decode(utf8: UnsafeBufferPointer(rebasing: $0[encStart..<encEnd])) }
        }
        guard let box = decoded else {
            throw PersonalDataError.malformed("'enc' is not base64", at: [])
        }
        guard let known = subject, let opener = known.opener else {
            return (Self.erasedJSON, end)
        }
        do {
            return (try opener.open(box, authenticating: known.associatedData), end)
        } catch {
            throw PersonalDataError.tampered(subject: known.id, at: [])
        }
    }
}
