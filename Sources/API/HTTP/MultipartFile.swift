import Foundation

/// The first file of a `multipart/form-data` body (RFC 7578), for uploads from HTML forms.
///
/// Only what an avatar upload needs: find the boundary, take the first part that carries a
/// `filename` (or the first part at all), and return its bytes. Anything malformed is `nil`.
enum MultipartFile {
    /// The boundary of a `multipart/form-data` content type, or `nil` for another type.
    static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.utf8.count) ? value : nil
            }
        }
        return nil
    }

    /// The bytes of the first file part of `body`.
    static func firstFile(in body: [UInt8], boundary: String) -> [UInt8]? {
        let delimiter = Array("--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var index = body.startIndex
        var starts: [Int] = []
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        guard starts.count >= 2 else { return nil }
        for (start, end) in zip(starts, starts.dropFirst()) {
            // A part runs from after the delimiter's CRLF to the CRLF before the next delimiter.
            let from = start + delimiter.count + 2
            let to = end - 2
            if from < to { parts.append(body[from..<to]) }
        }
        var chosen: [UInt8]?
        for part in parts {
            let bytes = Array(part)
            guard let split = find(headerEnd, in: bytes, from: 0) else { continue }
            let headers = String(decoding: bytes[..<split], as: UTF8.self).lowercased()
            let content = Array(bytes[(split + headerEnd.count)...])
            if headers.contains("filename=") { return content }
            if chosen == nil { chosen = content }
        }
        return chosen
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
