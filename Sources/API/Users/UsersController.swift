import Cryptography
import Domain
import EventLog
import EventSourcing
import Foundation
import Hummingbird
import Logging
import ReadModels

/// `/users/*`: the caller's profile, preferences, avatar, data export and erasure, public profiles
/// and people search.
struct UsersController {
    let platform: Platform

    /// Avatars are at most 2 MiB.
    static let maxAvatarBytes = 2 << 20

    struct AvatarStored: Encodable {
        var contentHash: String
        var mediaType: String
        var url: String
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.put, "/users/profile", RouteDocumentation(
            "Update the caller's profile; absent fields are left unchanged", tag: "Users",
            request: .ref("ProfileUpdate"), status: 204
        )) { request, context in try await updateProfile(&request, context) }
        routes.add(.put, "/users/preferences", RouteDocumentation(
            "Set language, profile visibility and notification preferences", tag: "Users",
            request: .ref("Preferences"), status: 204
        )) { request, context in try await updatePreferences(&request, context) }
        routes.add(.post, "/users/upload-avatar", RouteDocumentation(
            "Upload a PNG, JPEG or WebP avatar (≤ 2 MiB, checked by content) as the raw request body", tag: "Users",
            status: 201, response: .object(["contentHash": .text, "mediaType": .text, "url": .text]), binaryRequest: true
        )) { request, context in try await uploadAvatar(&request, context) }
        routes.add(.get, "/users/avatars/{hash}", readsModels: false, RouteDocumentation(
            "An avatar by content hash (immutable, cached for a year)", tag: "Users"
        )) { request, context in try avatar(context) }
        routes.add(.delete, "/users/me", RouteDocumentation(
            "Erase the caller: tokens revoked, personal data crypto-shredded, gone from every read model", tag: "Users",
            status: 204
        )) { request, context in try await erase(context) }
    }

    func updateProfile(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let update = try await request.decodeJSON(ProfileBody.self).update()
        let committed = try await platform.execute(
            .update(userID: user.id, update, by: context.principal!, now: platform.clock.now()),
            on: Profiles.self, stream: StreamName.profile(user.id), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func updatePreferences(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let update = try await request.decodeJSON(PreferencesBody.self).update()
        let committed = try await platform.execute(
            .setPreferences(userID: user.id, update, by: context.principal!, now: platform.clock.now()),
            on: Profiles.self, stream: StreamName.profile(user.id), by: context.principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func uploadAvatar(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.collectBody(limit: Self.maxAvatarBytes)
        let bytes = Array(body.readableBytesView)
        guard !bytes.isEmpty else { throw APIError.badRequest("send the image as the request body") }
        guard let kind = ImageKind(sniffing: bytes) else {
            throw APIError.invalid("avatar", "the avatar must be a PNG, JPEG or WebP image")
        }
        let hash = try platform.blobs.put(bytes)
        let committed = try await platform.execute(
            .setAvatar(userID: user.id, contentHash: hash, mediaType: kind.rawValue, by: context.principal!, now: platform.clock.now()),
            on: Profiles.self, stream: StreamName.profile(user.id), by: context.principal
        )
        let stored = AvatarStored(contentHash: hash, mediaType: kind.rawValue, url: "/users/avatars/\(hash)")
        return try JSONResponse.command(stored, status: .created, position: committed.position)
    }

    func avatar(_ context: AppRequestContext) throws -> Response {
        guard let hash = context.parameters.get("hash"), let data = platform.blobs.get(hash),
              let kind = ImageKind(sniffing: data)
        else { throw APIError.notFound("no such avatar") }
        var headers: HTTPFields = [:]
        headers[.contentType] = kind.rawValue
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        headers[.eTag] = "\"\(hash)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func erase(_ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let principal = context.principal!
        let now = platform.clock.now()
        // A retried erasure (the key destruction failed last time) finishes the job.
        if try platform.load(Identity.Account.self, stream: StreamName.account(user.id)).status == .erased {
            try destroyKey(of: user.id)
            return JSONResponse.command(position: platform.log.head)
        }
        let position = try await platform.execute(by: principal) { (states: StreamStates) throws(Identity.Rejection) in
            let accountStream = StreamName.account(user.id)
            let account = states.state(of: Identity.Account.self, stream: accountStream)
            let claim = account.emailKey.map { states.state(of: Identity.EmailClaim.self, stream: StreamName.emailClaim($0)) }
                ?? Identity.EmailClaim.initialState
            let decision = try Identity.erase(by: principal, now: now, account: account, emailClaim: claim)
            var parts = [StreamEvents(accountStream, decision.account)]
            if let key = account.emailKey { parts.append(StreamEvents(StreamName.emailClaim(key), decision.emailClaim)) }
            return parts
        }
        try destroyKey(of: user.id)
        return JSONResponse.command(position: position)
    }

    /// Destroys the person's data key once the erasure is in the log: every personal field becomes
    /// unreadable (crypto-shredding), and projections drop the person on the erasure event.
    func destroyKey(of userID: UUID) throws(APIError) {
        do {
            try platform.keys.erase(subject: userID)
        } catch {
            platform.logger.error("erasing a data key failed; retry DELETE /users/me", metadata: ["error": "\(error)"])
            throw .unavailable("the erasure was recorded but the data key could not be destroyed; retry", retryAfter: 1)
        }
    }
}
