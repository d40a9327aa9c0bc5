/// The service's own state (PostgreSQL shared by replicas, or the embedded store): one object
/// that hands out every store port, so nothing switches on the backend.
public protocol StateStore: Sendable {
    var tokens: any TokenStore { get }
    var work: any WorkJournal { get }
    var history: any RunHistory { get }
    var grants: any ProlongationGrants { get }
    var leases: any LeaderLeases { get }
    var slots: any ScheduleSlots { get }
    var probe: any HealthProbe { get }
    /// Applies pending schema migrations.
    func migrate() async throws
}
