import Foundation

/// A DSA account as the session checks decide on it: its password reduced to a keyed fingerprint.
public enum AccountStatus: Sendable, Equatable {
    case missing
    case locked
    case active(fingerprint: String)

    init(_ state: DSAAccountState, _ fingerprinter: any PasswordFingerprinter) {
        switch state {
        case .missing: self = .missing
        case .locked: self = .locked
        case .active(let values): self = .active(fingerprint: fingerprinter.fingerprint(of: values))
        }
    }

    /// The short id of a fingerprint access tokens carry (claim `afp`); 64 bits is plenty to tell
    /// one password from the next.
    public static func fingerprintID(_ fingerprint: String) -> String { String(fingerprint.prefix(16)) }

    var fingerprint: String? {
        if case .active(let fingerprint) = self { fingerprint } else { nil }
    }

    /// Why a session whose login saw `recorded` (a fingerprint or its short id; nil = not
    /// recorded, so only existence and lock count) must end now; nil when it may go on.
    func endsSession(recorded: String?) -> String? {
        switch self {
        case .missing: return "account deleted"
        case .locked: return "account locked"
        case .active(let current):
            guard let recorded else { return nil }
            return Self.fingerprintID(current) == Self.fingerprintID(recorded) ? nil : "password changed"
        }
    }
}

/// The last known state of each DSA that presented a token, so an access token of a deleted,
/// locked or re-passworded DSA is refused within `bound` seconds (ACCOUNT_RECHECK_SECONDS)
/// without one directory read per request.
///
/// Concurrent requests of one DSA share one read. A failed read keeps the last known state for
/// up to another `bound` (a directory blip does not turn every request into a 503); past that, or
/// with nothing known, the failure is the caller's (503 `ldap.unavailable`): a token is never let
/// through on a state older than twice the bound.
public actor AccountStateCache {
    private let directory: any DSADirectory
    private let fingerprinter: any PasswordFingerprinter
    public let bound: TimeInterval
    private let capacity: Int
    private var known: [String: (status: AccountStatus, checkedAt: Date)] = [:]
    private var reads: [String: Task<AccountStatus, any Error>] = [:]

    public init(directory: any DSADirectory, fingerprinter: any PasswordFingerprinter, bound: TimeInterval, capacity: Int = 10_000) {
        self.directory = directory
        self.fingerprinter = fingerprinter
        self.bound = bound
        self.capacity = capacity
    }

    /// The account's state, read at most `bound` seconds ago (0: read now).
    public func status(of dn: String, now: Date) async throws -> AccountStatus {
        if let entry = known[dn], now.timeIntervalSince(entry.checkedAt) < bound { return entry.status }
        do {
            return try await read(dn, now: now)
        } catch {
            if let entry = known[dn], now.timeIntervalSince(entry.checkedAt) < 2 * bound { return entry.status }
            throw error
        }
    }

    /// The account's state read now, whatever is cached (login, refresh).
    public func fresh(_ dn: String, now: Date) async throws -> AccountStatus {
        try await read(dn, now: now)
    }

    private func read(_ dn: String, now: Date) async throws -> AccountStatus {
        if let pending = reads[dn] { return try await pending.value }
        let pending = Task { [directory, fingerprinter] in
            AccountStatus(try await directory.state(ofAccount: dn), fingerprinter)
        }
        reads[dn] = pending
        defer { reads[dn] = nil }
        let status = try await pending.value
        if known.count >= capacity { known = known.filter { now.timeIntervalSince($0.value.checkedAt) < 2 * bound } }
        if known.count < capacity { known[dn] = (status, now) }
        return status
    }

    /// Forgets what is known of `dn`, so its next request reads the directory.
    public func forget(_ dn: String) {
        known[dn] = nil
    }
}
