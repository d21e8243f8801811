
/// Reads a lowercase word of the contract (`"master"`, `"public"`) into its enum, with a 422 that
/// lists the allowed values (a decoding failure would only say "malformed").
func enumField<T: RawRepresentable & CaseIterable>(_ raw: String?, _ field: String, as type: T.Type) throws(APIError) -> T? where T.RawValue == String {
    guard let raw else { return nil }
    guard let value = T(rawValue: raw) else {
        throw .invalid(field, "\(field) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}
