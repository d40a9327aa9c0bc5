import Application

/// Readiness probe: a base-scope read of the configured base DN through the pool.
public struct LDAPDirectoryHealth: HealthProbe {
    private let client: LDAPClient
    private let baseDN: String
    public let component = "ldap"

    public init(client: LDAPClient, baseDN: String) {
        self.client = client
        self.baseDN = baseDN
    }

    public func check() async throws {
        // "1.1" asks for no attributes (RFC 4511 §4.5.1.8).
        _ = try await client.read(baseDN, attributes: ["1.1"])
    }
}
