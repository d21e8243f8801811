import Foundation

/// A representative time zone per country, for the time-zone distance between a student (who
/// gives a country, not a zone) and a mentor. Covers the platform's countries; others are unknown.
enum CountryTimeZones {
    private static let zones: [String: String] = [
        "SN": "Africa/Dakar", "CI": "Africa/Abidjan", "ML": "Africa/Bamako", "BF": "Africa/Ouagadougou", "GN": "Africa/Conakry",
        "TG": "Africa/Lome", "BJ": "Africa/Porto-Novo", "NE": "Africa/Niamey", "CM": "Africa/Douala", "GA": "Africa/Libreville",
        "CG": "Africa/Brazzaville", "CD": "Africa/Kinshasa", "MA": "Africa/Casablanca", "DZ": "Africa/Algiers", "TN": "Africa/Tunis",
        "NG": "Africa/Lagos", "GH": "Africa/Accra", "KE": "Africa/Nairobi", "ET": "Africa/Addis_Ababa", "RW": "Africa/Kigali",
        "ZA": "Africa/Johannesburg", "EG": "Africa/Cairo", "MG": "Indian/Antananarivo", "MU": "Indian/Mauritius",
        "FR": "Europe/Paris", "BE": "Europe/Brussels", "CH": "Europe/Zurich", "DE": "Europe/Berlin", "ES": "Europe/Madrid",
        "IT": "Europe/Rome", "PT": "Europe/Lisbon", "GB": "Europe/London", "NL": "Europe/Amsterdam", "LU": "Europe/Luxembourg",
        "CA": "America/Toronto", "US": "America/New_York", "BR": "America/Sao_Paulo", "HT": "America/Port-au-Prince",
        "IN": "Asia/Kolkata", "CN": "Asia/Shanghai", "JP": "Asia/Tokyo", "AE": "Asia/Dubai",
    ]

    /// The UTC offset of `country` at `date`, in hours; `nil` when unknown.
    static func offsetHours(country: String?, at date: Date) -> Double? {
        guard let country, let identifier = zones[country.uppercased()] else { return nil }
        return offsetHours(zone: identifier, at: date)
    }

    /// The UTC offset of the IANA zone `identifier` at `date`, in hours; `nil` when unknown.
    static func offsetHours(zone identifier: String, at date: Date) -> Double? {
        TimeZone(identifier: identifier).map { Double($0.secondsFromGMT(for: date)) / 3_600 }
    }
}
