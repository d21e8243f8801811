import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension ReplicaService {
    /// The bytes of blob `hash` from the primary (`GET /replication/blob/{hash}`), or `nil` when the
    /// primary no longer has it (its deletion follows on the stream). At most one avatar's size is
    /// held; the caller checks the bytes against the name.
    func fetchBlob(_ hash: String, from primary: URL, _ client: HTTPClient) async throws -> [UInt8]? {
        var request = HTTPClientRequest(url: primary.appendingPathComponent("replication/blob/\(hash)").absoluteString)
        request.headers.add(name: ReplicationSecret.header, value: secret.value)
        let response = try await client.execute(request, timeout: .seconds(30))
        switch response.status {
        case .ok:
            return Array(try await response.body.collect(upTo: UsersController.maxAvatarBytes).readableBytesView)
        case .notFound:
            _ = try? await response.body.collect(upTo: 8_192)
            return nil
        default:
            let detail = (try? await response.body.collect(upTo: 8_192)).map { String(buffer: $0) } ?? ""
            throw ReplicationStreamError.primary("the primary answered \(response.status.code) for blob \(hash): \(detail)")
        }
    }
}
