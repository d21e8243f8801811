/// Text folded for comparison: lowercase, without diacritics ("Santé" and "SANTE" both read
/// "sante"). Projections call it as the SQL function `fold(text)` (`ProjectionFunctions`), the
/// read models' `?q=` lists compare with it, and recommendations match words with it, so the
/// three fold alike.
public enum TextFolding {
    /// Accented Latin letters and ligatures, to their base letters (lowercase).
    private static let latin: [UInt32: String] = {
        let groups: [(String, String)] = [
            ("àáâãäåÀÁÂÃÄÅ", "a"), ("çÇ", "c"), ("èéêëÈÉÊË", "e"), ("ìíîïÌÍÎÏ", "i"), ("ñÑ", "n"), ("òóôõöøÒÓÔÕÖØ", "o"),
            ("ùúûüÙÚÛÜ", "u"), ("ýÿÝŸ", "y"), ("œŒ", "oe"), ("æÆ", "ae"), ("ß", "ss"),
        ]
        var table: [UInt32: String] = [:]
        for (letters, base) in groups { for scalar in letters.unicodeScalars { table[scalar.value] = base } }
        return table
    }()

    /// `text` lowercased without diacritics. Hand-rolled over scalars: Foundation's `folding` is
    /// slow on Linux and this runs for every candidate of every recommendation.
    public static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                folded.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
            } else if let base = latin[value] {
                folded.append(contentsOf: base.unicodeScalars)
            } else if scalar.properties.generalCategory != .nonspacingMark { // combining accents of decomposed text
                folded.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(folded)
    }
}
