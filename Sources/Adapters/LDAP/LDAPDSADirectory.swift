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

    public func exists(_ account: DSAAccount) async throws -> Bool {
        try await client.read(account.dn, attributes: ["1.1"], filter: .objectClass("simpleSecurityObject")) != nil
    }
}
