internal import COpenSSL

/// Comparisons whose duration does not depend on where secret bytes differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes, compared with `CRYPTO_memcmp`.
    ///
    /// The running time depends on the length only; lengths are not treated as secret (different
    /// lengths return `false` at once).
    public static func equals(_ a: some ContiguousBytesSequence, _ b: some ContiguousBytesSequence) -> Bool {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                guard a.count == b.count else { return false }
                guard a.count > 0 else { return true }
                return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
            }
        }
    }
}
