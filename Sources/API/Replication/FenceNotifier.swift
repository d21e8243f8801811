import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// On a primary at an epoch it started itself: tells every other node it knows (the nodes of
/// `--replica-of` and the primary it followed before its promotion) the new epoch, with
/// `POST /replication/fence`, retrying with backoff until each has answered once. A former primary
/// that comes back learns it is old even when no replica contacts it, and fences itself.
struct FenceNotifier: Service {
    let node: ReplicationNode
    let secret: ReplicationSecret
    let logger: Logger
    var maxBackoff: Duration = .seconds(5)

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(5))
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if node.standing == .primary, let epoch = node.currentEpoch, epoch.node == node.nodeID {
                    await notifyAll(client, epoch: epoch)
                }
                await node.waitForNewEpoch()
            }
        }
        try await client.shutdown()
    }

    private func notifyAll(_ client: HTTPClient, epoch: ClusterEpoch) async {
        var targets = node.settings.candidateURLs
        if let former = node.followedPrimaryURL, !targets.contains(former), former != node.settings.advertiseURL { targets.append(former) }
        await withTaskGroup(of: Void.self) { group in
            for target in targets {
                group.addTask { await notify(client, target, epoch: epoch) }
            }
        }
    }

    private func notify(_ client: HTTPClient, _ target: URL, epoch: ClusterEpoch) async {
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled {
            var request = HTTPClientRequest(url: target.appendingPathComponent("replication/fence").absoluteString)
            request.method = .POST
            request.headers.add(name: ReplicationSecret.header, value: secret.value)
            request.headers.add(name: "Content-Type", value: "application/json")
            let notice = FailoverController.Notice(epoch: epoch.epoch, url: epoch.url)
            request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(notice)) ?? Data()))
            do {
                let response = try await client.execute(request, timeout: .seconds(5))
                _ = try? await response.body.collect(upTo: 8_192)
                logger.info("replication: told a node of the new epoch", metadata: [
                    "node": "\(target.absoluteString)", "epoch": "\(epoch.epoch)", "status": "\(response.status.code)",
                ])
                return
            } catch {
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
    }
}
