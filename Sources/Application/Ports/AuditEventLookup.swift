import Domain

/// Reads FusionDirectory's audit events by DN (`fdAuditEvent`, spec §3.6).
public protocol AuditEventLookup: Sendable {
    /// The events at these DNs; a DN with no entry is absent from the answer.
    func events(at dns: [String]) async throws -> [String: AuditEvent]
}
