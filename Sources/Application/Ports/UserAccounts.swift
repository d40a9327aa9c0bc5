import Domain

/// Reads users as a reminder needs them: address, uid, SupAnn states, shadowExpire.
public protocol UserAccounts: Sendable {
    /// The user at `dn`; nil when there is no such entry.
    func reminderAccount(at dn: String) async throws -> ReminderAccount?
}
