/// Hashes and verifies passwords with scrypt, in a self-describing string.
///
/// A hash reads `$scrypt$ln=15,r=8,p=1$<base64 salt>$<base64 hash>`: the parameters travel with
/// every hash, so they can be raised later (`needsRehash` tells when a stored hash is weaker than
/// the current settings; re-hash it at the next successful login). Each hash has its own 16-byte
/// random salt. The password's UTF-8 bytes are hashed as given: callers that want Unicode
/// normalisation apply it before hashing and verifying alike.
public struct PasswordHasher: Sendable, Equatable {
    /// log₂ of the scrypt cost N (15 → N = 32768, about 32 MiB with r = 8).
    public var logN: Int
    /// The scrypt block size.
    public var r: Int
    /// The scrypt parallelisation factor.
    public var p: Int

    /// The salt size in bytes.
    public static let saltByteCount = 16
    /// The derived hash size in bytes.
    public static let hashByteCount = 32
    /// The bounds accepted when reading a stored hash, so a corrupted or hostile string cannot make
    /// a verification allocate gigabytes.
    static let logNRange = 1...22
    static let rRange = 1...32
    static let pRange = 1...16

    /// Settings for new hashes. The defaults (N = 2¹⁵, r = 8, p = 1) follow RFC 7914's interactive
    /// login recommendation.
    public init(logN: Int = 15, r: Int = 8, p: Int = 1) {
        precondition(Self.logNRange.contains(logN) && Self.rRange.contains(r) && Self.pRange.contains(p),
                     "scrypt parameters out of range: ln=\(logN) r=\(r) p=\(p)")
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Hashes `password` with a fresh salt.
    public func hash(_ password: String) throws(Error) -> String {
        let salt = SecureRandom.bytes(count: Self.saltByteCount)
        let derived = try derive(password, salt: salt, logN: logN, r: r, p: p)
        return "$scrypt$ln=\(logN),r=\(r),p=\(p)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `encoded`, compared in constant time.
    ///
    /// - Throws: `Error.malformedHash` when `encoded` is not a hash this type wrote: that is a
    ///   data problem to report, not a wrong password.
    public func verify(_ password: String, against encoded: String) throws(Error) -> Bool {
        let stored = try Self.parse(encoded)
        let derived = try derive(password, salt: stored.salt, logN: stored.logN, r: stored.r, p: stored.p,
                                 length: stored.hash.count)
        return ConstantTime.equals(derived, stored.hash)
    }

    /// Whether `encoded` was made with weaker parameters than these settings (or cannot be read).
    public func needsRehash(_ encoded: String) -> Bool {
        guard let stored = try? Self.parse(encoded) else { return true }
        return stored.logN < logN || stored.r < r || stored.p < p
            || stored.salt.count < Self.saltByteCount || stored.hash.count < Self.hashByteCount
    }

    private func derive(
        _ password: String, salt: [UInt8], logN: Int, r: Int, p: Int, length: Int = hashByteCount
    ) throws(Error) -> [UInt8] {
        do {
            return try Scrypt.derive(password: Array(password.utf8), salt: salt, n: UInt64(1) << UInt64(logN),
                                     r: UInt32(r), p: UInt32(p), length: length)
        } catch {
            throw .derivationFailed(error.description)
        }
    }

    private struct Stored {
        var logN: Int, r: Int, p: Int
        var salt: [UInt8], hash: [UInt8]
    }

    private static func parse(_ encoded: String) throws(Error) -> Stored {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty else { throw .malformedHash("expected $scrypt$<params>$<salt>$<hash>") }
        guard fields[1] == "scrypt" else { throw .malformedHash("unknown scheme '\(fields[1])'") }
        var settings: [Substring: Int] = [:]
        for pair in fields[2].split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let value = Int(parts[1]), settings[parts[0]] == nil else {
                throw .malformedHash("bad parameter '\(pair)'")
            }
            settings[parts[0]] = value
        }
        guard settings.count == 3, let logN = settings["ln"], let r = settings["r"], let p = settings["p"] else {
            throw .malformedHash("parameters must be exactly ln, r and p")
        }
        guard logNRange.contains(logN), rRange.contains(r), pRange.contains(p) else {
            throw .malformedHash("parameters out of range: ln=\(logN) r=\(r) p=\(p)")
        }
        guard let salt = Base64.decode(fields[3]), !salt.isEmpty else { throw .malformedHash("the salt is not base64") }
        guard let hash = Base64.decode(fields[4]), hash.count >= 16 else {
            throw .malformedHash("the hash is not base64 of at least 16 bytes")
        }
        return Stored(logN: logN, r: r, p: p, salt: salt, hash: hash)
    }
}
