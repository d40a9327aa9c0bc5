/// The state of a sub-task, stored in `fdTasksGranularStatus` (spec §3.2).
///
/// FD's dashboard filters on the exact strings `1` and `2` and shows anything else as the
/// failure text, so that is the whole wire format.
public enum SubTaskStatus: Sendable, Equatable {
    case scheduled
    case completed
    case failed(String)

    /// Parses a stored value. Only the exact strings `1` and `2` are recognised.
    ///
    /// PHP tested `status == 1` with loose equality, so `01`, ` 1` and `1.0` also counted as
    /// "to do" (spec §10 #44). FD's own dashboard filter `(fdTasksGranularStatus=1)` is exact,
    /// so such values are shown as failures there; we agree with FD and read them as failure
    /// texts, which also stops them from being re-sent on every run.
    public init(ldapValue: String) {
        switch ldapValue {
        case "1": self = .scheduled
        case "2": self = .completed
        default: self = .failed(ldapValue)
        }
    }

    /// The value to write. A failure text always goes through `failure(_:)`'s sanitising,
    /// so whatever `.failed` holds, what lands in LDAP is one short line that FD cannot
    /// mistake for `1` or `2`.
    public var ldapValue: String {
        switch self {
        case .scheduled: "1"
        case .completed: "2"
        case let .failed(reason): Self.sanitise(reason)
        }
    }

    /// `scheduled`, `completed` or `failed`: a stable name for JSON and logs.
    public var name: String {
        switch self {
        case .scheduled: "scheduled"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    /// A failure carrying a reason that is safe to store.
    ///
    /// PHP stored whole exception texts with stack traces and server paths in the status,
    /// where FD's dashboard shows them to every viewer (spec §10 #7). We keep the first
    /// non-empty line only, drop control characters, collapse whitespace and cap the length.
    public static func failure(_ reason: String) -> SubTaskStatus {
        .failed(sanitise(reason))
    }

    /// Longest failure text we write.
    public static let maximumReasonLength = 300
    static let reservedPrefix = "error: "

    static func sanitise(_ reason: String) -> String {
        let firstLine = reason
            .split(whereSeparator: { $0.isNewline })
            .lazy
            .map(collapse)
            .first { !$0.isEmpty } ?? ""
        var text = firstLine
        // Never write a value FD would read as "scheduled"/"completed", nor an empty one
        // (slapd rejects an empty DirectoryString, spec §10 #28).
        if text.isEmpty { text = "\(reservedPrefix)unknown failure" }
        if text == "1" || text == "2" { text = reservedPrefix + text }
        if text.count > maximumReasonLength {
            text = String(text.prefix(maximumReasonLength - 1)) + "…"
        }
        return text
    }

    private static func collapse(_ line: Substring) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in line.unicodeScalars {
            let category = scalar.properties.generalCategory
            if category == .control || category == .format || category == .lineSeparator
                || category == .paragraphSeparator {
                if scalar == "\t" { pendingSpace = !out.isEmpty }
                continue
            }
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out += " " }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
