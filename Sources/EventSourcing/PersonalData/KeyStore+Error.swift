public import Foundation

extension KeyStore {
    /// Why the key store refused to open or to hand out a key, and what to do about it.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        private enum Reason: Equatable {
            case invalidMasterKey(String, String)
            case masterKeyMissing(String)
            case wrongMasterKey(String, MasterKeySource)
            case insecureMasterKeyFile(String, Int)
            case corruptKeyFile(String, String)
            case subjectErased(UUID)
            case io(String, String, String)
        }

        private let reason: Reason
        private init(_ reason: Reason) { self.reason = reason }

        /// The master key is not base64 of 32 bytes.
        public static func invalidMasterKey(_ origin: String, _ detail: String) -> Self { .init(.invalidMasterKey(origin, detail)) }
        /// Data keys exist but no master key was given.
        public static func masterKeyMissing(_ directory: String) -> Self { .init(.masterKeyMissing(directory)) }
        /// The master key is not the one these data keys were sealed under.
        public static func wrongMasterKey(_ checkFile: String, source: MasterKeySource) -> Self {
            .init(.wrongMasterKey(checkFile, source))
        }
        /// `master.key` can be read by other users.
        public static func insecureMasterKeyFile(_ path: String, mode: Int) -> Self { .init(.insecureMasterKeyFile(path, mode)) }
        /// A data key file is damaged or was tampered with.
        public static func corruptKeyFile(_ path: String, _ detail: String) -> Self { .init(.corruptKeyFile(path, detail)) }
        /// The subject was erased; it never gets a new key.
        public static func subjectErased(_ subject: UUID) -> Self { .init(.subjectErased(subject)) }
        /// A file operation failed.
        public static func io(_ operation: String, _ path: String, _ message: String) -> Self { .init(.io(operation, path, message)) }

        /// Whether this is `wrongMasterKey`.
        public var isWrongMasterKey: Bool {
            if case .wrongMasterKey = reason { return true }
            return false
        }

        public var description: String {
            switch reason {
            case .invalidMasterKey(let origin, let detail):
                "the master key in \(origin) is invalid: \(detail); it must be the base64 of 32 random bytes (openssl rand -base64 32)"
            case .masterKeyMissing(let directory):
                "\(directory) holds data keys but no master key: set \(KeyStore.masterKeyVariable) or restore master.key; a new master key would make every data key unreadable"
            case .wrongMasterKey(let checkFile, let source):
                "the master key from \(source == .environment ? "the \(KeyStore.masterKeyVariable) environment variable" : "master.key") is not the one these data keys were sealed under (checked against \(checkFile)); use the original master key"
            case .insecureMasterKeyFile(let path, let mode):
                "\(path) is accessible to other users (mode \(String(mode, radix: 8))): run chmod 600 on it"
            case .corruptKeyFile(let path, let detail):
                "the data key file \(path) is unusable: \(detail); restore it from a backup"
            case .subjectErased(let subject):
                "subject \(subject.uuidString.lowercased()) was erased and cannot get a new data key; a returning person needs a new subject id"
            case .io(let operation, let path, let message):
                "\(operation) failed for \(path): \(message)"
            }
        }
    }
}
