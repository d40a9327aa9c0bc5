import Application
import Domain

/// Audit events read by DN (spec §3.6): one base read each, only the attributes a match needs.
public struct LDAPAuditEventLookup: AuditEventLookup {
    private let client: LDAPClient
    static let attributes = ["fdAuditDateTime", "fdAuditAction", "fdAuditObject", "fdAuditObjectType", "fdAuditAuthorDN", "fdAuditAttributes"]

    public init(client: LDAPClient) {
        self.client = client
    }

    public func events(at dns: [String]) async throws -> [String: AuditEvent] {
        var events: [String: AuditEvent] = [:]
        for dn in dns where events[dn] == nil {
            // A reference that is not a DN, or names an entry that is gone, reads as absent.
            guard (try? DistinguishedName(parsing: dn)) != nil else { continue }
            if let entry = try await client.read(dn, attributes: Self.attributes, filter: .objectClass("fdAuditEvent")) {
                events[dn] = AuditEvent(entry: entry)
            }
        }
        return events
    }
}
