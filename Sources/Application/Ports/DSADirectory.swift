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
    /// Whether the account still exists.
    func exists(_ account: DSAAccount) async throws -> Bool
}
