/// The client's exit statuses, the contract cron and monitoring read (documented in `--help` and
/// the README). When several operations run, the highest status wins.
enum ExitStatus: Int32, Comparable, Sendable, CaseIterable {
    /// Every operation ran and none of its items failed.
    case ok = 0
    /// An operation ran, but some of its items failed or have an unknown outcome (settle them).
    case itemsFailed = 1
    /// Bad flags, a missing or unreadable setting, or an operation this server does not run.
    case usage = 2
    /// The server refused the login (wrong name or password, throttled) or the session.
    case authRefused = 3
    /// The server could not be reached or did not answer within `--timeout`.
    case unreachable = 4
    /// The server answered with an error (5xx, a redirect, a body that is not its JSON).
    case serverError = 5

    static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    /// One line per status, for `--help`.
    static let legend = """
        Exit status: 0 everything done · 1 some items failed or are unknown · 2 usage or \
        configuration error, or an operation the server does not run · 3 authentication refused · \
        4 server unreachable or timed out · 5 server error. With several operations, the highest wins.
        """
}

/// Why an operation (or the whole invocation) could not be done, with the status it exits with.
struct ClientFailure: Error, Sendable, CustomStringConvertible {
    let status: ExitStatus
    /// A stable slug for `--json` and `--log` (`client.unreachable`, or the server's own code).
    let code: String
    let message: String

    var description: String { message }

    static func usage(_ message: String) -> ClientFailure { ClientFailure(status: .usage, code: "client.usage", message: message) }
    static func configuration(_ message: String) -> ClientFailure { ClientFailure(status: .usage, code: "client.configuration", message: message) }
}
