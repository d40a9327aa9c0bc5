/// A DSA account (FusionDirectory "simple security object") allowed to use the API.
public struct DSAAccount: Sendable, Equatable {
    public let dn: String
    public let cn: String

    public init(dn: String, cn: String) {
        self.dn = dn
        self.cn = cn
    }
}

/// Where DSA accounts live and how their passwords are checked.
public protocol DSADirectory: Sendable {
    /// The accounts whose `cn` is exactly `name` under the DSA subtree.
    func accounts(named name: String) async throws -> [DSAAccount]
    /// True when the directory accepts `password` for the account (a bind, so the directory's
    /// own hash schemes and password policy apply). Never compares hashes in the service.
    func verifyPassword(of account: DSAAccount, password: String) async throws -> Bool
    /// What the directory says about the account now (read as the service account): whether it
    /// exists, is locked by the password policy, and its `userPassword` values.
    func state(ofAccount dn: String) async throws -> DSAAccountState
}

/// A DSA account as the session checks see it (ASVS 7.4.2: sessions die with the account).
public enum DSAAccountState: Sendable, Equatable, CustomStringConvertible {
    /// No such entry (deleted, renamed, or no longer a simple security object).
    case missing
    /// ppolicy's `pwdAccountLockedTime` is set, whatever its value (see README).
    case locked
    /// Usable; `passwordValues` are the raw `userPassword` values, only ever fingerprinted.
    case active(passwordValues: [[UInt8]])

    /// Never the password values: this may end up in a log line.
    public var description: String {
        switch self {
        case .missing: "missing"
        case .locked: "locked"
        case .active: "active"
        }
    }
}
