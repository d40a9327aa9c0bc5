import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one step produced, before it is printed and logged.
struct StepOutcome {
    let name: String
    let status: ExitStatus
    /// The server's JSON answer (re-encoded on one line for `--json`), nil after a failure.
    var document: Any?
    /// Human lines for stdout (listings); `--json` prints the document instead.
    var listing: [String] = []
    /// The one-line summary for stderr.
    var summary: String
    /// Item lines for `--verbose`.
    var details: [String] = []
    var runID: String?
    /// The report's summary counts, for `--log`.
    var counts: [String: Any]?
    var failure: ClientFailure?

    static func failed(_ name: String, _ failure: ClientFailure) -> StepOutcome {
        StepOutcome(name: name, status: failure.status, summary: "\(name): \(failure.message)", failure: failure)
    }
}

/// Prints outcomes the way the options ask, and appends `--log` lines.
struct Output {
    let options: ClientOptions

    func show(_ outcome: StepOutcome) {
        if options.json {
            Self.stdout(Self.jsonLine(outcome.document ?? errorDocument(outcome)))
        } else {
            for line in outcome.listing { Self.stdout(line) }
        }
        if outcome.status != .ok || !options.quiet {
            Self.stderr(outcome.summary)
            if options.verbose || outcome.status != .ok { for line in outcome.details { Self.stderr("  " + line) } }
        }
        if let path = options.log, let warning = append(outcome, to: path) { Self.stderr("warning: \(warning)") }
    }

    private func errorDocument(_ outcome: StepOutcome) -> [String: Any] {
        let failure = outcome.failure ?? ClientFailure(status: outcome.status, code: "client.failed", message: outcome.summary)
        return ["operation": outcome.name, "exitStatus": Int(failure.status.rawValue), "error": ["code": failure.code, "message": failure.message]]
    }

    /// One JSON line; opened and closed per write so logrotate can move the file between runs.
    func append(_ outcome: StepOutcome, to path: String) -> String? {
        var line: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()), "operation": outcome.name, "status": Int(outcome.status.rawValue),
            "summary": outcome.counts ?? NSNull(), "runId": outcome.runID ?? NSNull(),
        ]
        if let failure = outcome.failure { line["error"] = ["code": failure.code, "message": failure.message] }
        return Self.appendLine(Self.jsonLine(line), to: path)
    }

    /// nil when `path` can be appended to (created if needed); else why not. Nothing is written.
    static func checkWritable(_ path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { return "--log \(path): \(String(cString: strerror(errno)))" }
        close(descriptor)
        return nil
    }

    /// nil when written; else why not.
    static func appendLine(_ line: String, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { return "--log \(path): \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        return written == bytes.count ? nil : "--log \(path): short write"
    }

    static func jsonLine(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    static func stdout(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func stderr(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
