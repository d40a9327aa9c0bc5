import Foundation

/// Which audit events an Audit task deletes (spec §8.5, bug §10 #33 fixed).
///
/// PHP truncated the event to its UTC date, added the current time of day, and compared the
/// *absolute* day distance, so events dated in the future were deleted too. Here the age is
/// the exact elapsed time since the event, and only the past can expire.
public struct AuditRetention: Sendable, Equatable {
    /// Events older than this many full days are deleted.
    ///
    /// `0` means "keep nothing from the past": every event dated before now expires. That is
    /// what FD's default (`0`) did in PHP, kept so existing tasks behave as their owners
    /// expect; an administrator who wants to keep events sets a positive value.
    public let days: Int

    public init(days: Int) throws(DomainError) {
        guard days >= 0 else {
            throw .invalidValue(attribute: "fdAuditTasksRetention", value: String(days), reason: "retention cannot be negative")
        }
        self.days = days
    }

    /// True when the event is strictly older than `days` × 24 h. Future-dated events (clock
    /// skew, a wrong server date) never expire.
    public func isExpired(eventTime: Date, now: Date) -> Bool {
        guard eventTime <= now else { return false }
        return now.timeIntervalSince(eventTime) > TimeInterval(days) * 86_400
    }

    /// The instant before which events expire.
    public func cutoff(now: Date) -> Date {
        now.addingTimeInterval(-TimeInterval(days) * 86_400)
    }
}
