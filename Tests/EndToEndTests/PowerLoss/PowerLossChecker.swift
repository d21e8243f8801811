import EventSourcing
import Foundation
import TestSupport

/// Checks a crash state with the real binary: it recovers, verifies, holds every command
/// acknowledged before the cut (log, data keys, read models after catch-up), invents nothing, and
/// (when thorough) serves, delivers the mail it promised and keeps read models equal to a rebuild.
struct PowerLossChecker: Sendable {
    /// One event as `protalent replay --format jsonl` shows it.
    struct Entry: Equatable, Sendable, CustomStringConvertible {
        var position: Int64
        var id: String
        var stream: String
        var type: String

        var description: String { "\(position) \(type) in \(stream) (\(id))" }
    }

    /// The log of the whole recorded run: every state's log must be a prefix of it.
    let reference: [Entry]
    /// The master and server keys of the recorded run.
    let keys: [String: String]

    /// The events of the log in `dataDirectory`, in order.
    static func entries(dataDirectory: String) async throws -> [Entry] {
        let run = try await runBinary(["replay", "--data-dir", dataDirectory, "--format", "jsonl"])
        guard run.status == 0 else { throw TraceError(description: "replay exited \(run.status): \(run.stderr.suffix(1_000))") }
        return try run.stdout.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let position = (object["position"] as? NSNumber)?.int64Value, let id = object["id"] as? String,
                  let stream = object["stream"] as? String, let type = object["type"] as? String else {
                throw TraceError(description: "replay printed an entry without position, id, stream or type: \(line.prefix(300))")
            }
            return Entry(position: position, id: id, stream: stream, type: type)
        }
    }

    /// The problems of the state in `directory` (empty when it passes).
    func check(_ directory: String, acknowledgements labels: [String], thorough: Bool) async throws -> [String] {
        let acknowledgements = try labels.map { try JSONDecoder().decode(PowerLossRecording.Acknowledgement.self, from: Data($0.utf8)) }
        var problems: [String] = []
        let verify = try await runBinary(["verify", "--data-dir", directory])
        guard verify.status == 0 else { return problems + ["verify exited \(verify.status): \((verify.stdout + verify.stderr).suffix(600))"] }
        let entries: [Entry]
        do {
            entries = try await Self.entries(dataDirectory: directory)
        } catch {
            return problems + ["\(error)"]
        }
        if entries.count > reference.count {
            problems.append("the log holds \(entries.count) events, more than the whole run wrote (\(reference.count))")
        }
        if let index = entries.indices.first(where: { $0 < reference.count && entries[$0] != reference[$0] }) {
            problems.append("event \(entries[index]) is not what the run wrote there (\(reference[index]))")
        }
        let byPosition = Dictionary(entries.map { ($0.position, $0) }) { first, _ in first }
        // A command's answer names the position of its last event, which may be in another stream
        // than the one it is about (a registration also claims its address).
        for acknowledgement in acknowledgements where byPosition[acknowledgement.position] == nil
            || !entries.contains(where: { $0.stream == acknowledgement.stream && $0.position <= acknowledgement.position }) {
            problems.append("acknowledged command lost: position \(acknowledgement.position) in \(acknowledgement.stream) (log head \(entries.last?.position ?? 0))")
        }
        let erasedStreams = Set(entries.filter { $0.type == "identity.account-erased" }.map(\.stream))
        if thorough {
            // Recovery as the server does it (the writer cuts a torn tail), mail delivered from its queue.
            let server = ServerProcess(dataDirectory: directory, environment: keys)
            // Its captured output only: the state directory is checked further below.
            defer { try? FileManager.default.removeItem(atPath: directory + ".logs") }
            do {
                try await server.start()
            } catch {
                return problems + ["serve refused the state: \(error)"]
            }
            let expected = acknowledgements.filter { !erasedStreams.contains($0.stream) }.compactMap(\.email)
            let outbox = directory + "/mail/outbox"
            try? FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
            let missing = try await offPool { () -> [String] in
                let found = try? DirectoryWatch.wait(in: outbox, timeout: .seconds(30)) { () -> Bool? in
                    Self.unmailed(expected, outbox: outbox).isEmpty ? true : nil
                }
                return found == nil ? Self.unmailed(expected, outbox: outbox) : []
            }
            // An erasure destroys the key after its event, from a durable job: recovery must finish it.
            let erased = acknowledgements.filter(\.erased).compactMap(\.person)
            let keyDirectory = directory + "/keys"
            let kept = try await offPool { () -> [String] in
                let done = try? DirectoryWatch.wait(in: keyDirectory, timeout: .seconds(30)) { () -> Bool? in
                    Self.unerased(erased, keys: keyDirectory).isEmpty ? true : nil
                }
                return done == nil ? Self.unerased(erased, keys: keyDirectory) : []
            }
            await server.stop()
            if !kept.isEmpty { problems.append("acknowledged erasure of \(kept) never destroyed the key after recovery") }
            if !missing.isEmpty { problems.append("no verification mail after recovery for acknowledged registrations of \(missing.prefix(3))") }
        }
        // Read models resume from the state's checkpoints (offline; after a thorough serve, whatever it left).
        let catchUp = try await offPool { [keys] in
            try ProtalentBinary.run(["catch-up", "--data-dir", directory, "--projections", ServerProcess.projectionsDirectory], environment: keys)
        }
        guard catchUp.status == 0 else { return problems + ["catch-up exited \(catchUp.status): \(catchUp.stderr.suffix(600))"] }
        let models = try ReadModelDump.dump(dataDirectory: directory)
        let rows = models.values.flatMap { $0 }
        let store = try KeyStore(dataDirectory: URL(fileURLWithPath: directory), environment: keys)
        for acknowledgement in acknowledgements {
            guard let person = acknowledgement.person, let name = acknowledgement.name, let subject = UUID(uuidString: person) else { continue }
            if acknowledgement.erased || erasedStreams.contains(acknowledgement.stream) {
                if rows.contains(where: { $0.contains(name) }) { problems.append("erased person \(person)'s name \(name) is still in a read model") }
            } else {
                if !rows.contains(where: { $0.contains(person) && $0.contains(name) }) {
                    problems.append("acknowledged registration of \(person) (\(name)) is not in the read models after catch-up")
                }
                if try store.key(for: subject, create: false) == nil { problems.append("acknowledged registration of \(person): its data key is gone") }
            }
        }
        if thorough {
            // Exactly once: the models resumed from the crash state's checkpoints equal a rebuild.
            let rebuild = try await offPool { [keys] in
                try ProtalentBinary.run(["rebuild", "--data-dir", directory, "--projections", ServerProcess.projectionsDirectory], environment: keys)
            }
            guard rebuild.status == 0 else { return problems + ["rebuild exited \(rebuild.status): \(rebuild.stderr.suffix(600))"] }
            let differences = ReadModelDump.differences(models, try ReadModelDump.dump(dataDirectory: directory), limit: 3)
            if !differences.isEmpty { problems.append("read models resumed from the state differ from a rebuild: \(differences)") }
        }
        return problems
    }

    /// The subjects among `people` without an erasure tombstone in `keys`.
    private static func unerased(_ people: [String], keys: String) -> [String] {
        people.filter { person in
            ![person.lowercased(), person.uppercased()].contains { FileManager.default.fileExists(atPath: "\(keys)/\($0).erased") }
        }
    }

    /// The addresses among `emails` that no `.eml` file of `outbox` is addressed to.
    private static func unmailed(_ emails: [String], outbox: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []
        let text = names.filter { $0.hasSuffix(".eml") }
            .compactMap { try? String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }.joined()
        return emails.filter { !text.contains("\r\nTo: \($0)\r\n") }
    }
}
