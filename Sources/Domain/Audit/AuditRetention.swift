import Foundation

/// Which audit events an Audit task deletes (spec §8.5, bug §10 #33 fixed).
///
/// PHP truncated the event to its UTC date, added the current time of day, and compared the
/// *absolute* day distance, so events dated in the future were deleted too, and a retention of
/// `0` (FD's default) deleted every event of the directory. Here the age is the exact elapsed
/// time since the event, only the past can expire, and a retention must be a whole number of
/// days of at least one: `0` is refused, because an audit task left on FD's default would
/// otherwise wipe the audit trail.
public struct AuditRetention: Sendable, Equatable, Hashable {
    /// Events older than this many full days are deleted.
    public let days: Int

    public init(days: Int) throws(DomainError) {
        guard days >= 1 else {
            let reason = days == 0
                ? "a retention of 0 days would delete every audit event; set at least 1"
                : "retention cannot be negative"
            throw .invalidValue(attribute: "fdAuditTasksRetention", value: String(days), reason: reason)
        }
        self.days = days
    }

    /// True when the event is strictly before the cutoff (`days` × 24 h before now). An event at
    /// the cutoff is kept, and future-dated events (clock skew, a wrong server date) never expire.
    public func isExpired(eventTime: Date, now: Date) -> Bool {
        eventTime < cutoff(now: now)
    }

    /// The instant before which events expire (UTC, as every `Date`).
    public func cutoff(now: Date) -> Date {
        now.addingTimeInterval(-TimeInterval(days) * 86_400)
    }
}
