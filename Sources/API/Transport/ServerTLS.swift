import Foundation
public import NIOSSL

/// The certificate chain and private key `protalent serve --tls-cert F --tls-key F` serves HTTPS with,
/// read and checked before the server starts: a file that is missing, unreadable, not PEM or a key
/// that does not belong to the certificate is refused then, naming the file, rather than on the first
/// connection.
public struct ServerTLS: Sendable {
    /// The certificate file (PEM: the server's certificate first, then any intermediates).
    public let certificateFile: String
    /// The private key file (PEM, unencrypted).
    public let keyFile: String
    /// The server configuration built from them (TLS 1.2 and later, NIOSSL's default ciphers).
    public let configuration: TLSConfiguration

    /// Reads and checks both files.
    public init(certificateFile: String, keyFile: String) throws(LoadError) {
        let certificateBytes = try Self.read(certificateFile, what: "certificate")
        let keyBytes = try Self.read(keyFile, what: "private key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            throw LoadError(.invalid(file: certificateFile, what: "certificate", detail: "not a PEM certificate (\(error))"))
        }
        guard !chain.isEmpty else {
            throw LoadError(.invalid(file: certificateFile, what: "certificate", detail: "no `-----BEGIN CERTIFICATE-----` block"))
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw LoadError(.invalid(
                file: keyFile, what: "private key", detail: "not an unencrypted PEM private key (\(error))"
            ))
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        do {
            // BoringSSL checks here that the key is the certificate's: the check the first
            // connection would otherwise make, after the server said it listened.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(.mismatch(certificateFile: certificateFile, keyFile: keyFile, detail: "\(error)"))
        }
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.configuration = configuration
    }

    private static func read(_ file: String, what: String) throws(LoadError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw LoadError(.unreadable(file: file, what: what, detail: "no such file"))
        }
        guard !isDirectory.boolValue else { throw LoadError(.unreadable(file: file, what: what, detail: "a directory, not a file")) }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw LoadError(.unreadable(file: file, what: what, detail: (error as NSError).localizedFailureReason ?? "\(error)"))
        }
    }

    /// Why the certificate or key cannot serve, naming the file.
    public struct LoadError: Error, CustomStringConvertible {
        fileprivate enum Fault {
            case unreadable(file: String, what: String, detail: String)
            case invalid(file: String, what: String, detail: String)
            case mismatch(certificateFile: String, keyFile: String, detail: String)
        }

        fileprivate let fault: Fault

        fileprivate init(_ fault: Fault) { self.fault = fault }

        /// The file at fault (the key's when the pair does not match).
        public var file: String {
            switch fault {
            case .unreadable(let file, _, _), .invalid(let file, _, _): file
            case .mismatch(_, let keyFile, _): keyFile
            }
        }

        public var description: String {
            switch fault {
            case .unreadable(let file, let what, let detail):
                "cannot read the TLS \(what) \(file): \(detail)"
            case .invalid(let file, let what, let detail):
                "the TLS \(what) \(file) is invalid: \(detail)"
            case .mismatch(let certificateFile, let keyFile, let detail):
                "the TLS private key \(keyFile) does not go with the certificate \(certificateFile): it is not the certificate's key, or of a kind TLS cannot use (\(detail))"
            }
        }
    }
}
