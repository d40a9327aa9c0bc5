import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `fusiondirectory-orchestrator-client`, run as cron runs it: a child process with its
/// own environment (no proxy, no ORCHESTRATOR_* of the host) and, in every test, an explicit
/// `--config`, so a PHP client's files in /etc are never read.
enum ClientProcess {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        let elapsed: Duration

        /// stdout's lines parsed as JSON, one document each.
        var documents: [[String: Any]] {
            stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        var documentCount: Int { stdout.split(separator: "\n").count }
    }

    static var executable: String { ServiceProcess.builtExecutable("fusiondirectory-orchestrator-client") }

    /// Runs the client and waits for it, at most `within` (then SIGKILL, and the result says 137).
    static func run(_ arguments: [String], environment: [String: String] = [:], within: Duration = .seconds(120)) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/stdout", err = directory + "/stderr"
        let pid = try ServiceProcess.spawn(
            executable, arguments, environment: ["PATH=/usr/bin:/bin"] + environment.map { "\($0.key)=\($0.value)" },
            open: [(0, "/dev/null", O_RDONLY), (1, out, O_WRONLY | O_CREAT | O_TRUNC), (2, err, O_WRONLY | O_CREAT | O_TRUNC)]
        )
        let started = ContinuousClock.now
        var status: Int32 = 0
        var exitStatus: Int32 = 137
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                // WIFEXITED / WEXITSTATUS, which Swift does not import.
                exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                break
            }
            if ContinuousClock.now - started > within {
                _ = kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return Result(
            status: exitStatus,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
            elapsed: ContinuousClock.now - started
        )
    }
}
