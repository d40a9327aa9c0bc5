import Foundation

/// One delivery: one recipient of one sub-task.
public struct DeliveryKey: Sendable, Hashable {
    public let subTaskDN: String
    public let recipient: String

    public init(subTaskDN: String, recipient: String) {
        self.subTaskDN = subTaskDN
        self.recipient = recipient
    }
}

/// Where a delivery stands. The order is the life of a message:
/// claimed (a run holds a lease) → sending (SMTP DATA about to start) → sent (the server said 250)
/// → done (the sub-task's LDAP status is written). `failed` is a permanent refusal.
public enum DeliveryState: String, Sendable, Equatable, CaseIterable {
    case claimed, sending, sent, done, failed
}

public struct DeliveryRecord: Sendable, Equatable {
    public let key: DeliveryKey
    public let state: DeliveryState
    /// The run holding the lease (claimed/sending).
    public let owner: String?
    public let leaseExpiresAt: Date?
    /// How many times a run claimed it (each transient failure releases it for a later run).
    public let attempts: Int
    /// Last failure or deferral text.
    public let detail: String?
    public let updatedAt: Date

    public init(key: DeliveryKey, state: DeliveryState, owner: String?, leaseExpiresAt: Date?, attempts: Int, detail: String?, updatedAt: Date) {
        self.key = key
        self.state = state
        self.owner = owner
        self.leaseExpiresAt = leaseExpiresAt
        self.attempts = attempts
        self.detail = detail
        self.updatedAt = updatedAt
    }
}

/// The journal that makes mail delivery exactly-once across concurrent runs, replicas and crashes.
///
/// A key can be claimed when it has no record, or when its record is `claimed` with an expired
/// lease (the run died before DATA: resending is safe), or when it was released after a transient
/// failure. A key in `sending` is never claimed again automatically (the message may or may not
/// have gone out: it is reported as unknown); `sent`, `done` and `failed` are final for sending.
public protocol DeliveryJournal: Sendable {
    /// Atomically claims, for `owner` until `leaseUntil`, those of `keys` that are claimable, at
    /// most `limit` of them (in the given order); returns the keys now held. Concurrent callers
    /// never receive the same key.
    func claim(_ keys: [DeliveryKey], owner: String, leaseUntil: Date, limit: Int, now: Date) async throws -> [DeliveryKey]
    /// claimed → sending, only while `owner` holds an unexpired lease; false when the lease was lost.
    func markSending(_ key: DeliveryKey, owner: String, now: Date) async throws -> Bool
    /// sending → sent (the server accepted the message).
    func markSent(_ key: DeliveryKey, owner: String, now: Date) async throws
    /// claimed/sending → claimable again after a transient failure before the server accepted
    /// the message (4xx, connection refused); the attempt and `detail` are recorded.
    func release(_ key: DeliveryKey, owner: String, detail: String, now: Date) async throws
    /// → failed (permanent refusal), with `detail`.
    func markFailed(_ key: DeliveryKey, owner: String, detail: String, now: Date) async throws
    /// sent/failed → done once the sub-task's LDAP status reflects it.
    func markDone(_ keys: [DeliveryKey], now: Date) async throws
    /// Every record of these sub-tasks.
    func records(forSubTasks subTaskDNs: [String]) async throws -> [DeliveryRecord]
    /// done → claimable again, for deliveries whose sub-task FusionDirectory set back to scheduled
    /// ("Renew the selected task"). Only records still exactly as read (same state and
    /// `updatedAt`, to the millisecond) are reopened, so two runs that both saw `done` never both
    /// reopen and resend. Returns the keys reopened.
    func reopen(_ records: [DeliveryRecord], now: Date) async throws -> [DeliveryKey]
}
