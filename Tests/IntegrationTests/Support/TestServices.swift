import Foundation
import Testing

/// Where the real services started by `scripts/services start` (or `docker compose up`) live.
///
/// Values come from the environment (`ORCH_TEST_*`), else from `.run/services.env` written by the
/// harness. A test that needs a service which is not configured FAILS with a message naming it: it
/// never skips.
struct TestServices: Sendable {
    let values: [String: String]

    static let shared = TestServices()

    init() {
        var merged: [String: String] = [:]
        let envFile = ProcessInfo.processInfo.environment["ORCH_RUN_DIR"].map { "\($0)/services.env" }
            ?? Self.repositoryRoot.appendingPathComponent(".run/services.env").path
        if let text = try? String(contentsOfFile: envFile, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                var line = Substring(line)
                if line.hasPrefix("export ") { line = line.dropFirst(7) }
                guard let equals = line.firstIndex(of: "=") else { continue }
                var value = String(line[line.index(after: equals)...])
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = String(value.dropFirst().dropLast())
                }
                merged[String(line[..<equals])] = value
            }
        }
        for (key, value) in ProcessInfo.processInfo.environment where key.hasPrefix("ORCH_") { merged[key] = value }
        values = merged
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    func require(_ key: String, for service: String) throws -> String {
        guard let value = values[key], !value.isEmpty else {
            throw MissingService(description: "\(service) is not reachable: \(key) is not set. Start the services with `scripts/services start` (or export the ORCH_TEST_* variables of docker-compose.yml).")
        }
        return value
    }

    var ldapURL: String { get throws { try require("ORCH_TEST_LDAP_URL", for: "slapd") } }
    var ldapBase: String { get throws { try require("ORCH_TEST_LDAP_BASE", for: "slapd") } }
    var ldapAdmin: String { get throws { try require("ORCH_TEST_LDAP_ADMIN", for: "slapd") } }
    var ldapPassword: String { get throws { try require("ORCH_TEST_LDAP_PASSWORD", for: "slapd") } }
    var servicesScript: String { get throws { try require("ORCH_TEST_SERVICES", for: "the services script") } }

    /// Runs `scripts/services <verb>` (stop-ldap, start-ldap, …) and waits for it.
    func runServices(_ verb: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [try servicesScript, verb]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MissingService(description: "scripts/services \(verb) exited with \(process.terminationStatus)")
        }
    }
}

struct MissingService: Error, CustomStringConvertible {
    let description: String
}

/// Every suite that talks to the live services nests in here: `.serialized` applies to nested
/// suites too, so the test that stops slapd never runs beside one that needs it.
@Suite(.serialized) struct LiveServices {}
