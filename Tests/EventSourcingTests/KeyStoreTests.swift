import Cryptography
import Foundation
import Testing
import TestSupport
@testable import EventSourcing

@Suite struct KeyStoreTests {
    static let noEnvironment: [String: String] = [:]

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)!.intValue
    }

    @Test func createsKeysWithPrivatePermissionsAndReopens() throws {
        let data = try TemporaryDirectory("keystore")
        defer { data.remove() }
        let subject = UUID()
        let store = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        #expect(store.masterKeySource == .createdFile)
        #expect(try store.key(for: subject, create: false) == nil)
        let key = try #require(try store.key(for: subject, create: true))
        #expect(key.count == 32)
        #expect(try store.key(for: subject, create: true) == key)

        let keys = data.path + "/keys"
        #expect(try mode(keys) == 0o700)
        #expect(try mode(keys + "/master.key") == 0o600)
        #expect(try mode(keys + "/" + subject.uuidString.lowercased()) == 0o600)
        // The file holds the key sealed, not the key itself.
        let stored = try [UInt8](Data(contentsOf: URL(fileURLWithPath: keys + "/" + subject.uuidString.lowercased())))
        #expect(stored.count == 5 + 12 + 32 + 16)
        #expect(!containsRun(stored, key))

        let reopened = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        #expect(reopened.masterKeySource == .file)
        #expect(try reopened.key(for: subject, create: false) == key)
        #expect(try reopened.key(for: UUID(), create: false) == nil)
    }

    @Test func erasureIsDurableAndFinal() throws {
        let data = try TemporaryDirectory("keystore")
        defer { data.remove() }
        let erased = UUID(), kept = UUID()
        let store = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        _ = try store.key(for: erased, create: true)
        let keptKey = try store.key(for: kept, create: true)
        try store.erase(subject: erased)

        let keyFile = data.path + "/keys/" + erased.uuidString.lowercased()
        #expect(!FileManager.default.fileExists(atPath: keyFile))
        #expect(FileManager.default.fileExists(atPath: keyFile + ".erased"))
        #expect(try store.key(for: erased, create: false) == nil)
        #expect(throws: KeyStore.Error.subjectErased(erased)) { try store.key(for: erased, create: true) }

        let reopened = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        #expect(try reopened.isErased(erased))
        #expect(try !reopened.isErased(kept))
        #expect(try reopened.key(for: erased, create: false) == nil)
        #expect(throws: KeyStore.Error.subjectErased(erased)) { try reopened.key(for: erased, create: true) }
        #expect(try reopened.key(for: kept, create: false) == keptKey)
        // Erasing again, or erasing a subject that never had a key, is fine and final too.
        try reopened.erase(subject: erased)
        let never = UUID()
        try reopened.erase(subject: never)
        #expect(throws: KeyStore.Error.subjectErased(never)) { try reopened.key(for: never, create: true) }
    }

    @Test func masterKeyFromEnvironment() throws {
        let data = try TemporaryDirectory("keystore")
        defer { data.remove() }
        let environment = [KeyStore.masterKeyVariable: Base64.encode(SecureRandom.bytes(count: 32)) + "\n"]
        let subject = UUID()
        let store = try KeyStore(dataDirectory: data.url, environment: environment)
        #expect(store.masterKeySource == .environment)
        let key = try store.key(for: subject, create: true)
        #expect(!FileManager.default.fileExists(atPath: data.path + "/keys/master.key"))

        #expect(try KeyStore(dataDirectory: data.url, environment: environment).key(for: subject, create: false) == key)

        let other = [KeyStore.masterKeyVariable: Base64.encode(SecureRandom.bytes(count: 32))]
        #expect { try KeyStore(dataDirectory: data.url, environment: other) } throws: { error in
            (error as? KeyStore.Error)?.isWrongMasterKey == true
        }
        // Without the variable there is no master key, and a new one would orphan the data keys.
        #expect(throws: KeyStore.Error.masterKeyMissing(data.path + "/keys")) {
            try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        }
        #expect(!FileManager.default.fileExists(atPath: data.path + "/keys/master.key"))
    }

    @Test func wrongOrInvalidMasterKeysAreClearErrors() throws {
        let data = try TemporaryDirectory("keystore")
        defer { data.remove() }
        _ = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment).key(for: UUID(), create: true)
        let masterPath = data.path + "/keys/master.key"

        // A different master.key is refused at open, with a message saying what to do.
        let original = try Data(contentsOf: URL(fileURLWithPath: masterPath))
        try Data((Base64.encode(SecureRandom.bytes(count: 32)) + "\n").utf8).write(to: URL(fileURLWithPath: masterPath))
        #expect { try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment) } throws: { error in
            let error = try #require(error as? KeyStore.Error)
            return error.isWrongMasterKey && error.description.contains("use the original master key")
        }
        try original.write(to: URL(fileURLWithPath: masterPath))

        // A master.key readable by others is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: masterPath)
        #expect(throws: KeyStore.Error.insecureMasterKeyFile(masterPath, mode: 0o644)) {
            try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: masterPath)
        _ = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)

        let variable = "the \(KeyStore.masterKeyVariable) environment variable"
        #expect(throws: KeyStore.Error.invalidMasterKey(variable, "it is not base64")) {
            try KeyStore(dataDirectory: data.url, environment: [KeyStore.masterKeyVariable: "not a key!"])
        }
        #expect(throws: KeyStore.Error.invalidMasterKey(variable, "it decodes to 16 bytes, not 32")) {
            try KeyStore(dataDirectory: data.url, environment: [KeyStore.masterKeyVariable: Base64.encode([UInt8](repeating: 1, count: 16))])
        }
    }

    @Test func damagedOrMovedKeyFilesAreRefused() throws {
        let data = try TemporaryDirectory("keystore")
        defer { data.remove() }
        let store = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        let a = UUID(), b = UUID()
        _ = try store.key(for: a, create: true)
        let keys = data.path + "/keys/"
        // A's sealed key copied under B's name does not open: the subject is bound into the seal.
        try FileManager.default.copyItem(atPath: keys + a.uuidString.lowercased(), toPath: keys + b.uuidString.lowercased())
        let fresh = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        #expect { try fresh.key(for: b, create: false) } throws: { error in
            (error as? KeyStore.Error)?.description.contains("copied from another subject") == true
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: keys + a.uuidString.lowercased()))
        #expect { try fresh.key(for: a, create: false) } throws: { error in
            (error as? KeyStore.Error)?.description.contains("PTDK") == true
        }
    }

    @Test func concurrentCreationYieldsOneKey() async throws {
        let data = try TemporaryDirectory("keystore")
        defer { data.remove() }
        let store = try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment)
        let subject = UUID()
        let keys = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            for _ in 0..<16 { group.addTask { try store.key(for: subject, create: true) } }
            return try await group.reduce(into: Set<[UInt8]?>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
        #expect(try KeyStore(dataDirectory: data.url, environment: Self.noEnvironment).key(for: subject, create: false) == keys.first!)
    }
}

/// Whether `bytes` appears as a contiguous run in `haystack`.
func containsRun(_ haystack: [UInt8], _ bytes: [UInt8]) -> Bool {
    guard haystack.count >= bytes.count else { return false }
    return (0...(haystack.count - bytes.count)).contains { Array(haystack[$0..<$0 + bytes.count]) == bytes }
}
