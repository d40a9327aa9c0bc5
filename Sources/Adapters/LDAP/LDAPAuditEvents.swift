import Application
import Domain
import Foundation

/// FD's audit events (`fdAuditDateTime=…,ou=audit,<base>`, spec §2), searched from the base as
/// PHP did, with the cutoff in the filter: fdAuditDateTime has an ordering rule
/// (generalizedTimeOrderingMatch), so slapd picks the old events and the service never sees the
/// others.
public struct LDAPAuditEvents: AuditEvents {
    private let client: LDAPClient
    private let base: String

    public init(client: LDAPClient, base: String) {
        self.client = client
        self.base = base
    }

    public func forEachPage(
        before cutoff: Date, reading content: AuditEventContent,
        _ body: @escaping @Sendable ([DirectoryEntry], any BulkDeleter) async throws -> Void
    ) async throws {
        let attributes: [String] = switch content {
        case .dnOnly: [LDAPClient.noAttributes]
        case .time: ["fdAuditDateTime"]
        case .everything: []
        }
        try await client.forEachPageDeleting(base: base, filter: Self.before(cutoff), attributes: attributes, body)
    }

    public func count(notBefore cutoff: Date) async throws -> Int {
        let at = GeneralizedTime(date: cutoff).ldapString
        return try await client.count(base: base, filter: .and([.objectClass("fdAuditEvent"), .greaterOrEqual("fdAuditDateTime", at)]))
    }

    /// Strictly before: LDAP has only `<=`, so the cutoff instant itself is excluded by equality.
    static func before(_ cutoff: Date) -> LDAPFilter {
        let at = GeneralizedTime(date: cutoff).ldapString
        return .and([.objectClass("fdAuditEvent"), .lessOrEqual("fdAuditDateTime", at), .not(.equal("fdAuditDateTime", at))])
    }
}
