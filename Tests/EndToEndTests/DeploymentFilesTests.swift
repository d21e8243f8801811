import Foundation
import Testing
import TestSupport

/// The deployment files are checked by the tools an operator's pipeline would run: hadolint on the
/// Dockerfile, kubernetes-validate on the manifests, promtool on the Prometheus files. No container
/// engine exists on our machines, so the image's runtime stage is checked against the libraries the
/// real binary links, and its build stage must run `scripts/setup`, the script these machines run.
@Suite struct DeploymentFilesTests {
    static let repository = ExternalTool.repository

    @Test func theDockerfilePassesHadolint() async throws {
        let hadolint = ExternalTool.venv("hadolint")
        try #require(hadolint.isInstalled, "hadolint missing: run scripts/setup (it installs scripts/observe-tools)")
        let result = try await hadolint.run(["--config", ".hadolint.yaml", "--no-color", "Dockerfile"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func hadolintRefusesADockerfileRunningAsRoot() async throws {
        // The linter is really consulted: the same file ending as root fails.
        let hadolint = ExternalTool.venv("hadolint")
        try #require(hadolint.isInstalled, "hadolint missing: run scripts/setup")
        let directory = try TemporaryDirectory("protalent-dockerfile")
        defer { directory.remove() }
        let text = try String(contentsOfFile: Self.repository + "/Dockerfile", encoding: .utf8)
        let rootful = text.replacingOccurrences(of: "\nUSER 10001:10001\n", with: "\nUSER root\n")
        try #require(rootful != text, "the Dockerfile's USER line changed: update this test")
        try rootful.write(toFile: directory.path + "/Dockerfile", atomically: true, encoding: .utf8)
        let result = try await hadolint.run(["--config", ".hadolint.yaml", "--no-color", directory.path + "/Dockerfile"])
        #expect(result.status != 0 && result.output.contains("DL3002"), "\(result.output)")
    }

    @Test func theImageBuildsWithScriptsSetupAndShipsEveryLibraryTheBinaryLinks() async throws {
        let text = try String(contentsOfFile: Self.repository + "/Dockerfile", encoding: .utf8)
        #expect(text.contains("RUN scripts/setup --build-only"), "the build stage must install what scripts/setup installs")
        let stages = text.components(separatedBy: "\nFROM ")
        try #require(stages.count == 3, "a build stage and a runtime stage")
        let runtime = stages[2]
        let installed = Set(runtime.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map(String.init))

        // Every shared library of the system the binary loads comes from a package the runtime installs
        // (or from the slim image itself); the Swift runtime is linked statically in the image.
        let linked = try await ExternalTool(path: "/usr/bin/ldd").run([ProtalentBinary.path])
        try #require(linked.status == 0, "\(linked.output)")
        let inSlimImage: Set<String> = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]
        var packages: Set<String> = []
        for line in linked.output.split(separator: "\n") {
            guard let arrow = line.range(of: "=> /") else { continue }
            let path = String(line[line.index(arrow.upperBound, offsetBy: -1)...].prefix { $0 != " " })
            // dpkg knows /lib files by their /usr/lib name on a merged-/usr system.
            var owner = try await ExternalTool(path: "/usr/bin/dpkg").run(["-S", path])
            if owner.status != 0, !path.hasPrefix("/usr/") {
                owner = try await ExternalTool(path: "/usr/bin/dpkg").run(["-S", "/usr" + path])
            }
            // Not from a Debian package: the Swift toolchain's own libraries (static in the image).
            guard owner.status == 0, let name = owner.output.split(separator: ":").first else {
                #expect(path.contains("swift"), "\(path) comes from no Debian package and is not Swift's")
                continue
            }
            packages.insert(String(name))
        }
        #expect(packages.contains("liblz4-1") && packages.contains("libsqlite3-0"), "\(packages)")
        for package in packages.subtracting(inSlimImage) {
            #expect(installed.contains(package), "the runtime stage does not install \(package), which the binary links")
        }
    }

    @Test func theKubernetesManifestsValidate() async throws {
        let validate = ExternalTool.venv("kubernetes-validate")
        try #require(validate.isInstalled, "kubernetes-validate missing: run scripts/setup")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.repository + "/deploy/kubernetes")
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "deploy/kubernetes/" + $0 }
        #expect(files.count >= 4)
        let result = try await validate.run(["--strict"] + files)
        #expect(result.status == 0, "\(result.output)")
        for kind in ["statefulset/protalent-primary", "statefulset/protalent-replica", "service/protalent-read", "service/protalent-write", "secret/protalent-keys"] {
            #expect(result.output.contains("passed for resource \(kind)"), "\(kind) not validated: \(result.output)")
        }
    }

    @Test func kubernetesValidateRefusesAMisspelledField() async throws {
        let validate = ExternalTool.venv("kubernetes-validate")
        try #require(validate.isInstalled, "kubernetes-validate missing: run scripts/setup")
        let directory = try TemporaryDirectory("protalent-manifests")
        defer { directory.remove() }
        let text = try String(contentsOfFile: Self.repository + "/deploy/kubernetes/primary.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "readinessProbe:", with: "readynessProbe:")
            .write(toFile: directory.path + "/primary.yaml", atomically: true, encoding: .utf8)
        let result = try await validate.run(["--strict", directory.path + "/primary.yaml"])
        #expect(result.status != 0, "\(result.output)")
    }

    @Test func theAlertRulesAndTheirUnitTestsPassPromtool() async throws {
        try #require(ExternalTool.promtool.isInstalled, "promtool missing: run scripts/setup (Debian's prometheus package)")
        let rules = try await ExternalTool.promtool.run(["check", "rules", "deploy/prometheus/alerts.yml"])
        #expect(rules.status == 0, "\(rules.output)")
        let tests = try await ExternalTool.promtool.run(["test", "rules", "deploy/prometheus/alerts.test.yml"])
        #expect(tests.status == 0, "\(tests.output)")
        let config = try await ExternalTool.promtool.run(["check", "config", "--syntax-only", "deploy/prometheus/prometheus.yml"])
        #expect(config.status == 0, "\(config.output)")
    }
}
