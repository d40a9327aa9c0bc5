import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

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
    /// The test CA that signed slapd's certificate (StartTLS on its ldap:// port).
    var ldapCAFile: String { get throws { try require("ORCH_TEST_LDAP_CA_FILE", for: "slapd with TLS") } }
    var servicesScript: String { get throws { try require("ORCH_TEST_SERVICES", for: "the services script") } }

    /// Runs `scripts/services <verb>` (stop-ldap, start-ldap, …) and waits for it.
    ///
    /// posix_spawn + waitpid rather than Foundation's Process: waitUntilExit spins a run loop
    /// that can stall on a concurrency thread, and the child gets an empty signal mask instead of
    /// the dispatch worker's (which blocks SIGTERM and would leak into the services it starts).
    func runServices(_ verb: String) throws {
        let script = try servicesScript
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let arguments = ["/bin/bash", script, verb]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw MissingService(description: "cannot run scripts/services \(verb): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw MissingService(description: "scripts/services \(verb) exited with status \(status)")
        }
    }
}

struct MissingService: Error, CustomStringConvertible {
    let description: String
}

/// Every suite that talks to the live services nests in here: `.serialized` applies to nested
/// suites too, so the test that stops slapd never runs beside one that needs it.
@Suite(.serialized) struct LiveServices {}
