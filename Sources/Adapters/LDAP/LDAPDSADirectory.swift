import Application

/// DSA accounts under LDAP_OU_DSA: `organizationalRole` + `simpleSecurityObject` entries as FD writes them.
public struct LDAPDSADirectory: DSADirectory {
    private let client: LDAPClient
    private let dsaBase: String

    public init(client: LDAPClient, dsaBase: String) {
        self.client = client
        self.dsaBase = dsaBase
    }

    public func accounts(named name: String) async throws -> [DSAAccount] {
        // The name only ever travels as an escaped filter value (PHP bug §10 #1).
        let filter = LDAPFilter.and([.objectClass("simpleSecurityObject"), .equal("cn", name)])
        return try await client.search(base: dsaBase, filter: filter, attributes: ["cn"]).map {
            DSAAccount(dn: $0.dn, cn: $0.string("cn") ?? name)
        }
    }

    public func verifyPassword(of account: DSAAccount, password: String) async throws -> Bool {
        try await client.verifyPassword(dn: account.dn, password: password)
    }

    /// `pwdAccountLockedTime` is operational: it comes only when asked for by name. Any value
    /// counts as locked — `000001010000Z` (locked until an administrator unlocks) as well as a
    /// lockout ppolicy set after failures, even once its pwdLockoutDuration has passed: ppolicy
    /// removes the value at the next successful bind, which is a new login anyway.
    /// `userPassword` needs read access for the service account; unreadable, it reads as no
    /// value, and a password change is then not noticed (deletion and lock still are).
    public func state(ofAccount dn: String) async throws -> DSAAccountState {
        guard let entry = try await client.read(dn, attributes: ["userPassword", "pwdAccountLockedTime"], filter: .objectClass("simpleSecurityObject")) else {
            return .missing
        }
        if !entry.values("pwdAccountLockedTime").isEmpty { return .locked }
        return .active(passwordValues: entry.values("userPassword"))
    }
}
