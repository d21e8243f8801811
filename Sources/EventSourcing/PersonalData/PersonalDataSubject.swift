extension CodingUserInfoKey {
    /// The key under which whoever encodes an event passes the `UUID` of the person whose data the
    /// event's `Personal` fields hold; `KeyStoreCipher` encrypts them under that subject's data key.
    public static let personalDataSubject = CodingUserInfoKey(rawValue: "protalent.personalDataSubject")!
}
