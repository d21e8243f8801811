import Foundation
import Testing
import TestSupport

/// Read models are derived data: deleted and rebuilt on start, or rebuilt offline by
/// `protalent rebuild`, every read endpoint answers exactly as before.
@Suite(.serialized) struct RebuildEquivalenceTests {
    @Test func everyReadEndpointAnswersTheSameAfterTheReadModelsAreRebuilt() async throws {
        try await withServer(arguments: ["--demo", "--demo-users", "12"]) { server in
            // Tokens for each kind of caller, taken before the first snapshot: logging in is a
            // command, and nothing may be appended between the snapshots.
            var callers: [String: String?] = ["anonymous": nil]
            for (role, email) in server.demoLogins() {
                let login = try await server.client.send("POST", "/auth/login", json: ["email": email, "password": "protalent-demo-2026"])
                try #require(login.status == 200, "demo \(role) login: \(login)")
                callers[role] = login.object["accessToken"] as? String
            }
            let student = try await server.signUp(uniqueEmail("rebuild"))
            let put = try await server.client.send("PUT", "/users/profile", json: ["bio": "Rebuild me", "interests": ["data"]], token: student.accessToken)
            #expect(put.status == 204)
            callers["own"] = student.accessToken
            let head = try await server.logHead()

            let before = try await ReadSnapshot.take(server, callers: callers, head: head)
            #expect(before.answers.count > 10, "too few reads to compare: \(before.answers.keys.sorted())")
            let found = before.answers.values.filter { $0.hasPrefix("200 ") }.count
            print("rebuild equivalence: \(before.answers.count) answers compared, \(found) of them 200")
            #expect(found > 10)

            // 1. Delete the read models; the server rebuilds them on start.
            await server.stop()
            try FileManager.default.removeItem(atPath: server.dataDirectory + "/readmodels")
            try await server.start()
            let afterRestart = try await ReadSnapshot.take(server, callers: callers, head: head)
            #expect(try await server.logHead() == head, "reading appended to the log")
            #expect(afterRestart.differences(from: before).isEmpty,
                    "after deleting readmodels/:\n\(afterRestart.differences(from: before).joined(separator: "\n"))")

            // 2. `protalent rebuild` offline, then start.
            await server.stop()
            let rebuild = try await runBinary(["rebuild", "--data-dir", server.dataDirectory, "--projections", ServerProcess.projectionsDirectory])
            #expect(rebuild.status == 0, "rebuild: \(rebuild.stdout)\(rebuild.stderr)")
            try await server.start()
            let afterRebuild = try await ReadSnapshot.take(server, callers: callers, head: head)
            #expect(afterRebuild.differences(from: before).isEmpty,
                    "after protalent rebuild:\n\(afterRebuild.differences(from: before).joined(separator: "\n"))")
        }
    }
}

/// The answers of every GET route the OpenAPI document lists, for every caller, with ids found in
/// earlier answers filled into `{id}` parameters, and lists walked one cursor page further.
struct ReadSnapshot {
    /// `"<caller> GET <target>"` → `"<status> <canonical JSON or text>"`.
    var answers: [String: String] = [:]

    /// Routes whose answers describe the process rather than the data.
    static let volatile = ["/metrics", "/openapi.json", "/health", "/admin/projections"]

    static func take(_ server: ServerProcess, callers: [String: String?], head: Int64) async throws -> ReadSnapshot {
        let document = try await server.client.send("GET", "/openapi.json").object
        // GET routes, less the volatile ones and the streams (server-sent events never end).
        let paths = (document["paths"] as? [String: Any] ?? [:]).compactMap { path, value -> String? in
            guard let get = (value as? [String: Any])?["get"] else { return nil }
            let streams = "\(get)".contains("text/event-stream")
            return streams ? nil : path
        }.filter { !volatile.contains($0) }.sorted()
        var snapshot = ReadSnapshot()
        var ids: [String] = []
        // Plain routes first (lists), so their ids can fill the parameterised ones.
        for path in paths.sorted(by: { ($0.contains("{") ? 1 : 0, $0) < ($1.contains("{") ? 1 : 0, $1) }) {
            let parameters = path.components(separatedBy: "{").count - 1
            var targets: [String] = []
            if parameters == 0 {
                targets = [path, path + "?limit=2"]
            } else if parameters == 1 {
                let name = path[path.range(of: "{")!.upperBound..<path.range(of: "}")!.lowerBound]
                let candidates = name == "hash" ? ids.filter { $0.count == 64 } : ids.filter { $0.count == 36 }
                targets = candidates.prefix(12).map { path.replacingOccurrences(of: "{\(name)}", with: $0) }
            }
            for target in targets {
                for caller in callers.keys.sorted() {
                    let token = callers[caller] ?? nil
                    var response = try await server.read(target, token: token, after: head)
                    snapshot.answers["\(caller) GET \(target)"] = Self.canonical(response)
                    collect(response.json, into: &ids)
                    // One cursor step: keyset pages must be the same pages.
                    if target.hasSuffix("?limit=2"), let cursor = response.object["nextCursor"] as? String {
                        let next = "\(target)&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)"
                        response = try await server.read(next, token: token, after: head)
                        snapshot.answers["\(caller) GET \(target) page 2"] = Self.canonical(response)
                    }
                }
            }
        }
        return snapshot
    }

    /// Members that say when the answer was made, not what the data is (`/admin/audit`'s
    /// `verification.checkedAt`).
    static let volatileKeys: Set<String> = ["checkedAt"]

    /// `value` without the volatile members, at any depth.
    static func stable(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            object.filter { !volatileKeys.contains($0.key) }.mapValues(stable)
        case let array as [Any]:
            array.map(stable)
        default:
            value
        }
    }

    /// Status and body with sorted keys (text bodies as they are).
    static func canonical(_ response: HTTPResponse) -> String {
        if let json = response.json.map(stable),
           let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) {
            return "\(response.status) \(String(decoding: data, as: UTF8.self))"
        }
        return "\(response.status) \(response.text)"
    }

    /// Ids (UUIDs, content hashes) anywhere in a JSON value, in order of appearance, without repeats.
    static func collect(_ value: Any?, into ids: inout [String]) {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() { collect(object[key], into: &ids) }
        case let array as [Any]:
            for element in array { collect(element, into: &ids) }
        case let text as String:
            let isUUID = text.count == 36 && UUID(uuidString: text) != nil
            let isHash = text.count == 64 && text.allSatisfy(\.isHexDigit)
            if (isUUID || isHash), !ids.contains(text) { ids.append(text) }
        default:
            break
        }
    }

    /// Lines naming what differs, at most 20.
    func differences(from other: ReadSnapshot) -> [String] {
        Set(answers.keys).union(other.answers.keys).sorted().filter { answers[$0] != other.answers[$0] }.prefix(20).map {
            "\($0):\n  before: \((other.answers[$0] ?? "absent").prefix(400))\n  now:    \((answers[$0] ?? "absent").prefix(400))"
        }
    }
}
