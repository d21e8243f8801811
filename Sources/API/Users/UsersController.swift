import Domain
import EventSourcing
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReadModels

/// `/users/*`: the caller's profile, preferences, avatar, data export and erasure, public profiles
/// and people search.
struct UsersController {
    let commands: CommandExecutor
    let profiles: ProfileQueries
    let communities: CommunityQueries
    let events: EventQueries
    let audit: AuditQueries
    let blobs: BlobStore
    let erasure: Erasure
    let credentials: CredentialCheck

    /// Avatars are at most 2 MiB.
    static let maxAvatarBytes = 2 << 20

    struct AvatarStored: Encodable {
        var contentHash: String
        var mediaType: String
        var url: String
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/users/profile", RouteDocumentation(
            "The caller's account, profile and preferences", tag: "Users", response: .ref("UserProfile")
        )) { _, context in try profile(context) }
        routes.add(.get, "/users/{id}/public", RouteDocumentation(
            "A public profile, as its owner's visibility allows the caller to see it", tag: "Users", response: .ref("PublicProfile")
        )) { _, context in try publicProfile(context) }
        routes.add(.get, "/users/me/export", RouteDocumentation(
            "Everything held about the caller: account, profile, sessions, communities, posts, registrations, audit entries",
            tag: "Users", response: .any
        )) { _, context in try export(context) }
        routes.add(.put, "/users/profile", RouteDocumentation(
            "Update the caller's profile; absent fields are left unchanged", tag: "Users",
            request: .ref("ProfileUpdate"), status: 204
        )) { request, context in try await updateProfile(&request, context) }
        routes.add(.put, "/users/preferences", RouteDocumentation(
            "Set language, profile visibility and notification preferences", tag: "Users",
            request: .ref("Preferences"), status: 204
        )) { request, context in try await updatePreferences(&request, context) }
        routes.add(.post, "/users/upload-avatar", RouteDocumentation(
            "Upload a PNG, JPEG or WebP avatar (≤ 2 MiB, ≤ 4096×4096, the whole file checked): the raw body or a multipart/form-data file", tag: "Users",
            status: 201, response: .object(["contentHash": .text, "mediaType": .text, "url": .text]), binaryRequest: true
        )) { request, context in try await uploadAvatar(&request, context) }
        routes.add(.get, "/users/avatars/{hash}", readsModels: false, RouteDocumentation(
            "An avatar by content hash (immutable, cached for a year)", tag: "Users"
        )) { request, context in try avatar(context) }
        routes.add(.delete, "/users/me", RouteDocumentation(
            "Erase the caller, confirmed with the password (and a TOTP or recovery code when 2FA is on): tokens revoked, "
                + "personal data crypto-shredded, gone from every read model", tag: "Users",
            request: .object(["password": .text, "code": .text], required: ["password"]), status: 204
        )) { request, context in try await erase(&request, context) }
    }

    func profile(_ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        guard let profile = try profiles.profile(of: user.id) else {
            throw APIError.notFound("no profile for this account yet; retry with X-Min-Position after signing up")
        }
        return try JSONResponse.json(profile)
    }

    func publicProfile(_ context: AppRequestContext) throws -> Response {
        let id = try context.parameters.uuid("id", what: "user")
        // Unknown, erased and hidden answer alike, so visibility cannot be probed.
        guard let profile = try profiles.publicProfile(of: id, viewer: context.principal) else {
            throw APIError.notFound("no public profile for user \(id.uuidString.lowercased())")
        }
        return try JSONResponse.json(profile)
    }

    /// The caller's data from every read model that holds some, plus the audit entries of their
    /// own streams and of the commands they issued.
    func export(_ context: AppRequestContext) throws -> Response {
        let user = try context.requireUser()
        guard var export = try profiles.export(of: user.id) else {
            throw APIError.notFound("nothing is held about this account")
        }
        export.add("communities", try communities.communities(ofUser: user.id))
        export.add("posts", try communities.posts(byUser: user.id))
        export.add("eventRegistrations", try events.registrations(ofUser: user.id))
        export.add("auditEntries", try audit.entries(concerning: user.id))
        var headers = JSONResponse.noStore
        headers[.contentDisposition] = "attachment; filename=\"protalent-export.json\""
        return try JSONResponse.json(export, headers: headers)
    }

    func updateProfile(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let update = try await request.decodeJSON(ProfileBody.self).update()
        return try await changeProfile(context) { .update(userID: $0, update, by: $1, now: $2) }
    }

    func updatePreferences(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let update = try await request.decodeJSON(PreferencesBody.self).update()
        return try await changeProfile(context) { .setPreferences(userID: $0, update, by: $1, now: $2) }
    }

    /// Runs a command on the caller's own profile stream and answers 204 with its position.
    func changeProfile(
        _ context: AppRequestContext, _ command: (UUID, Principal, Date) -> Profiles.Command
    ) async throws -> Response {
        let user = try context.requireUser()
        let principal = Principal.user(user.id, user.role)
        let committed = try await commands.execute(
            command(user.id, principal, commands.now()), on: Profiles.self, stream: StreamName.profile(user.id), by: principal
        )
        return JSONResponse.command(position: committed.position)
    }

    func uploadAvatar(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.collectBody(limit: Self.maxAvatarBytes)
        var bytes = Array(body.readableBytesView)
        // An HTML form sends multipart/form-data; other clients send the image as the body.
        if let boundary = MultipartFile.boundary(contentType: request.headers[.contentType]) {
            guard let file = MultipartFile.firstFile(in: bytes, boundary: boundary) else {
                throw APIError.badRequest("the multipart body holds no file part", field: "avatar")
            }
            bytes = file
        }
        guard !bytes.isEmpty else { throw APIError.badRequest("send the image as the request body (or a multipart/form-data file)") }
        let kind: ImageKind
        do {
            kind = try ImageKind(validating: bytes)
        } catch {
            throw APIError.invalid("avatar", "the avatar must be a complete PNG, JPEG or WebP image of at most 4096×4096 pixels: \(error.reason)")
        }
        let previous = try commands.load(Profiles.self, stream: StreamName.profile(user.id)).avatarHash
        let hash = try blobs.put(bytes, owner: user.id)
        let committed = try await commands.execute(
            .setAvatar(userID: user.id, contentHash: hash, mediaType: kind.rawValue, by: (try context.requirePrincipal()), now: commands.now()),
            on: Profiles.self, stream: StreamName.profile(user.id), by: context.principal
        )
        // The replaced picture goes: nobody else's file has its name.
        if let previous, previous != hash { try? blobs.remove(previous) }
        let stored = AvatarStored(contentHash: hash, mediaType: kind.rawValue, url: "/users/avatars/\(hash)")
        return try JSONResponse.command(stored, status: .created, position: committed.position)
    }

    func avatar(_ context: AppRequestContext) throws -> Response {
        // Checked again as served: a file stored before the full check that fails it is not served.
        guard let hash = context.parameters.get("hash"), let data = blobs.get(hash),
              let kind = try? ImageKind(validating: Array(data))
        else { throw APIError.notFound("no such avatar") }
        var headers: HTTPFields = [:]
        headers[.contentType] = kind.rawValue
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        headers[.eTag] = "\"\(hash)\""
        // Should a browser open it as a page, it runs nothing and loads nothing.
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func erase(_ request: inout Request, _ context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let principal = (try context.requirePrincipal())
        let body = try await request.decodeJSONOrEmpty(ConfirmationBody.self)
        let now = commands.now()
        let accountStream = StreamName.account(user.id)
        let account = try commands.load(Identity.Account.self, stream: accountStream)
        // Irreversible: the person confirms with their credentials, not just a bearer token.
        let confirmation = try await credentials.confirmation(body, userID: user.id, state: account, now: now, ip: context.peerAddress)
        var refused: (rejection: Identity.Rejection, events: [Identity.Account.Event], state: Identity.Account.State)?
        // Recorded before the append: whatever happens after it, the erasure job finishes it (a job
        // whose erasure was refused is dropped).
        try erasure.record(user.id)
        let position = try await commands.execute(by: principal) { (states: StreamStates) throws(Identity.Rejection) in
            let account = states.state(of: Identity.Account.self, stream: accountStream)
            let claim = account.emailKey.map { states.state(of: Identity.EmailClaim.self, stream: StreamName.emailClaim($0)) }
                ?? Identity.EmailClaim.initialState
            var providerClaims: [String: Identity.ProviderClaim.State] = [:]
            for key in account.providers.keys {
                providerClaims[key] = states.state(of: Identity.ProviderClaim.self, stream: StreamName.providerClaim(key))
            }
            let decision = try Identity.erase(
                by: principal, confirmation, now: now, account: account, emailClaim: claim, providerClaims: providerClaims
            )
            refused = decision.refusal.map { ($0, decision.account, account) }
            var parts = [StreamEvents(accountStream, decision.account)]
            if let key = account.emailKey { parts.append(StreamEvents(StreamName.emailClaim(key), decision.emailClaim)) }
            for (key, events) in decision.providerClaims.sorted(by: { $0.key < $1.key }) {
                parts.append(StreamEvents(StreamName.providerClaim(key), events))
            }
            return parts
        }
        if let refused { throw CredentialCheck.refusal(refused.rejection, recorded: refused.events, on: refused.state, now: now) }
        try erasure.shred(user.id)
        return JSONResponse.command(position: position)
    }
}
