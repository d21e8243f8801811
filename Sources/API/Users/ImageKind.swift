/// The image formats avatars may use, recognised by checking the whole file's structure (never
/// by the client's claim, never by the first bytes alone).
///
/// A file that starts like a PNG and then carries HTML is not a PNG: each format is walked to its
/// end — PNG chunk by chunk with every CRC, JPEG segment by segment to its end marker, WebP chunk by
/// chunk within its RIFF size —, its dimensions checked, and nothing may follow its end. This does
/// not decode pixels: what a well-formed file carries in its metadata chunks is harmless because
/// avatars are served as images with `nosniff` and a sandboxing `Content-Security-Policy`.
public enum ImageKind: String, Sendable {
    case png = "image/png"
    case jpeg = "image/jpeg"
    case webp = "image/webp"

    /// The largest width and height accepted, in pixels.
    public static let maximumDimension = 4096

    /// The kind of `bytes` when they are one complete, well-formed PNG, JPEG or WebP file.
    public init(validating bytes: [UInt8]) throws(ImageRejection) {
        if bytes.starts(with: PNGStructure.signature) {
            try PNGStructure.validate(bytes)
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8]) {
            try JPEGStructure.validate(bytes)
            self = .jpeg
        } else if bytes.starts(with: Array("RIFF".utf8)), bytes.count >= 12, bytes[8..<12].elementsEqual("WEBP".utf8) {
            try WebPStructure.validate(bytes)
            self = .webp
        } else {
            throw ImageRejection("it is not a PNG, JPEG or WebP file")
        }
    }

    /// Whether `width` × `height` are both between 1 and `maximumDimension`.
    static func checkDimensions(_ width: Int, _ height: Int, _ format: String) throws(ImageRejection) {
        let allowed = 1...maximumDimension
        guard allowed.contains(width), allowed.contains(height) else {
            throw ImageRejection("the \(format) is \(width)×\(height) pixels; at most \(maximumDimension)×\(maximumDimension) is accepted")
        }
    }
}

/// Why an upload is not an acceptable image: the 422's detail says what was found.
public struct ImageRejection: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the file.
    public let reason: String

    init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// Big- and little-endian reads; every caller checks the bounds first.
fileprivate extension [UInt8] {
    func bigEndian16(at offset: Int) -> Int { Int(self[offset]) << 8 | Int(self[offset + 1]) }
    func bigEndian32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
    func littleEndian(at offset: Int, bytes: Int) -> Int {
        (0..<bytes).reduce(0) { $0 | Int(self[offset + $1]) << (8 * $1) }
    }
}

/// PNG (ISO/IEC 15948): the signature, then chunks (length, type, data, CRC-32 of type and data):
/// `IHDR` first with sane dimensions, at least one `IDAT`, `IEND` last and nothing after it.
enum PNGStructure {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func validate(_ bytes: [UInt8]) throws(ImageRejection) {
        var offset = signature.count
        var sawHeader = false, sawData = false
        while true {
            guard offset + 12 <= bytes.count else { throw ImageRejection("the PNG ends before its IEND chunk") }
            let length = Int(bytes.bigEndian32(at: offset))
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            guard length <= Int(Int32.max), offset + 12 + length <= bytes.count else {
                throw ImageRejection("the PNG's \(type) chunk runs past the end of the file")
            }
            guard bytes[offset + 4..<offset + 8].allSatisfy({ (65...90).contains($0 & ~0x20) }) else {
                throw ImageRejection("the PNG has a chunk whose type is not four letters")
            }
            guard crc32(bytes[offset + 4..<offset + 8 + length]) == bytes.bigEndian32(at: offset + 8 + length) else {
                throw ImageRejection("the CRC of the PNG's \(type) chunk does not match its content")
            }
            let data = Array(bytes[offset + 8..<offset + 8 + length])
            offset += 12 + length
            guard sawHeader || type == "IHDR" else { throw ImageRejection("the PNG does not start with its IHDR chunk") }
            switch type {
            case "IHDR":
                guard !sawHeader else { throw ImageRejection("the PNG has two IHDR chunks") }
                try validateHeader(data)
                sawHeader = true
            case "IDAT":
                sawData = true
            case "IEND":
                guard length == 0, sawData else { throw ImageRejection("the PNG's IEND chunk is not empty or comes before any IDAT") }
                guard offset == bytes.count else { throw ImageRejection("\(bytes.count - offset) bytes follow the PNG's IEND chunk") }
                return
            default:
                break
            }
        }
    }

    /// Width, height, and a bit depth and colour type the format defines together.
    static func validateHeader(_ data: [UInt8]) throws(ImageRejection) {
        guard data.count == 13 else { throw ImageRejection("the PNG's IHDR chunk is not 13 bytes") }
        let width = Int(data.bigEndian32(at: 0)), height = Int(data.bigEndian32(at: 4))
        try ImageKind.checkDimensions(width, height, "PNG")
        let depths: [UInt8: Set<UInt8>] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard depths[data[9]]?.contains(data[8]) == true, data[10] == 0, data[11] == 0, data[12] <= 1 else {
            throw ImageRejection("the PNG's IHDR chunk names an undefined bit depth, colour type, compression, filter or interlace method")
        }
    }

    /// CRC-32 (ISO 3309, the polynomial PNG and zlib use).
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
}

/// JPEG (ITU T.81 / JFIF): SOI, then marker segments with their lengths, exactly one frame header
/// (SOFn) with sane dimensions before the first scan, entropy-coded data after each SOS, and EOI
/// last with nothing after it.
enum JPEGStructure {
    /// SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC).
    static let frameMarkers: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]

    static func validate(_ bytes: [UInt8]) throws(ImageRejection) {
        var offset = 2
        var sawFrame = false, sawScan = false
        while true {
            guard offset < bytes.count, bytes[offset] == 0xFF else {
                throw ImageRejection("the JPEG has data where a marker should be (or ends before its EOI marker)")
            }
            while offset < bytes.count && bytes[offset] == 0xFF { offset += 1 }  // fill bytes
            guard offset < bytes.count else { throw ImageRejection("the JPEG ends before its EOI marker") }
            let marker = bytes[offset]
            offset += 1
            switch marker {
            case 0xD9:
                guard sawFrame, sawScan else { throw ImageRejection("the JPEG ends without a frame header and a scan") }
                guard offset == bytes.count else { throw ImageRejection("\(bytes.count - offset) bytes follow the JPEG's EOI marker") }
                return
            case 0x01, 0xD0...0xD7:
                continue  // no length
            case 0x00, 0xD8:
                throw ImageRejection("the JPEG has a misplaced marker")
            default:
                guard offset + 2 <= bytes.count else { throw ImageRejection("the JPEG ends inside a segment") }
                let length = bytes.bigEndian16(at: offset)
                guard length >= 2, offset + length <= bytes.count else { throw ImageRejection("a JPEG segment runs past the end of the file") }
                if frameMarkers.contains(marker) {
                    guard !sawFrame else { throw ImageRejection("the JPEG has two frame headers") }
                    try validateFrame(Array(bytes[offset + 2..<offset + length]))
                    sawFrame = true
                }
                offset += length
                if marker == 0xDA {
                    guard sawFrame else { throw ImageRejection("the JPEG has a scan before its frame header") }
                    sawScan = true
                    offset = try endOfEntropyCodedData(bytes, from: offset)
                }
            }
        }
    }

    /// Precision, height, width, and one to four components of three bytes each.
    static func validateFrame(_ segment: [UInt8]) throws(ImageRejection) {
        guard segment.count >= 6, (1...4).contains(segment[5]), segment.count == 6 + 3 * Int(segment[5]) else {
            throw ImageRejection("the JPEG's frame header is malformed")
        }
        try ImageKind.checkDimensions(segment.bigEndian16(at: 3), segment.bigEndian16(at: 1), "JPEG")
    }

    /// The offset of the marker ending a scan's data: the first 0xFF not followed by a stuffed
    /// zero, a restart marker or another 0xFF.
    static func endOfEntropyCodedData(_ bytes: [UInt8], from start: Int) throws(ImageRejection) -> Int {
        var offset = start
        while offset + 1 < bytes.count {
            if bytes[offset] == 0xFF {
                let next = bytes[offset + 1]
                if next == 0xFF { offset += 1; continue }
                if next != 0x00 && !(0xD0...0xD7).contains(next) { return offset }
                offset += 2
            } else {
                offset += 1
            }
        }
        throw ImageRejection("the JPEG ends inside a scan, before its EOI marker")
    }
}

/// WebP (RFC 9649): a RIFF container whose size is the file's, then chunks (four-character code,
/// little-endian size, data padded to an even length) up to exactly the end; the first chunk is
/// `VP8 `, `VP8L` or `VP8X`, every `VP8 `/`VP8L` bitstream header and a `VP8X` canvas have sane
/// dimensions, and some chunk carries image data.
enum WebPStructure {
    static func validate(_ bytes: [UInt8]) throws(ImageRejection) {
        guard bytes.count >= 20, bytes.littleEndian(at: 4, bytes: 4) + 8 == bytes.count else {
            throw ImageRejection("the WebP's RIFF size does not match the file's (\(bytes.count) bytes)")
        }
        var offset = 12
        var first = true, sawImage = false
        while offset < bytes.count {
            guard offset + 8 <= bytes.count else { throw ImageRejection("the WebP ends inside a chunk header") }
            let code = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = bytes.littleEndian(at: offset + 4, bytes: 4)
            let end = offset + 8 + size
            guard end <= bytes.count else { throw ImageRejection("the WebP's \(code) chunk runs past the end of the file") }
            let data = Array(bytes[offset + 8..<end])
            if first && !["VP8 ", "VP8L", "VP8X"].contains(code) {
                throw ImageRejection("the WebP does not start with a VP8, VP8L or VP8X chunk")
            }
            switch code {
            case "VP8 ": try validateLossy(data); sawImage = true
            case "VP8L": try validateLossless(data); sawImage = true
            case "VP8X":
                guard first, data.count == 10 else { throw ImageRejection("the WebP's VP8X chunk is misplaced or malformed") }
                try ImageKind.checkDimensions(data.littleEndian(at: 4, bytes: 3) + 1, data.littleEndian(at: 7, bytes: 3) + 1, "WebP")
            case "ANMF": sawImage = true
            default: break
            }
            first = false
            offset = end + size % 2
        }
        guard offset == bytes.count, sawImage else { throw ImageRejection("the WebP holds no image data or overruns its RIFF size") }
    }

    /// A key frame: the frame tag, the start code 9D 01 2A, then 14-bit width and height.
    static func validateLossy(_ data: [UInt8]) throws(ImageRejection) {
        guard data.count >= 10, data[0] & 1 == 0, data[3..<6].elementsEqual([0x9D, 0x01, 0x2A]) else {
            throw ImageRejection("the WebP's VP8 chunk does not start with a key frame header")
        }
        try ImageKind.checkDimensions(data.littleEndian(at: 6, bytes: 2) & 0x3FFF, data.littleEndian(at: 8, bytes: 2) & 0x3FFF, "WebP")
    }

    /// The signature 0x2F, then 14-bit width − 1 and height − 1 and a zero version.
    static func validateLossless(_ data: [UInt8]) throws(ImageRejection) {
        guard data.count >= 5, data[0] == 0x2F else { throw ImageRejection("the WebP's VP8L chunk lacks its signature") }
        let bits = data.littleEndian(at: 1, bytes: 4)
        guard bits >> 29 == 0 else { throw ImageRejection("the WebP's VP8L chunk has an unknown version") }
        try ImageKind.checkDimensions((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP")
    }
}
