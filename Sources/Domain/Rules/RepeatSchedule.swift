import Foundation

/// `fdTasksRepeatableSchedule`: how often a repeatable task is re-activated (spec §1.1, §8.6).
public enum RepeatSchedule: Sendable, Hashable {
    case yearly, monthly, weekly, daily, hourly
    /// A value FD does not write; such tasks are never activated, and the caller reports them.
    case unknown(String)

    /// The attribute uses caseIgnoreMatch, so `monthly` and `MONTHLY` mean `Monthly`.
    public init(fdValue: String) {
        switch fdValue.lowercased() {
        case "yearly": self = .yearly
        case "monthly": self = .monthly
        case "weekly": self = .weekly
        case "daily": self = .daily
        case "hourly": self = .hourly
        default: self = .unknown(fdValue)
        }
    }

    /// FD's spelling (`Yearly` …); an unknown value as read.
    public var fdValue: String {
        switch self {
        case .yearly: "Yearly"
        case .monthly: "Monthly"
        case .weekly: "Weekly"
        case .daily: "Daily"
        case .hourly: "Hourly"
        case let .unknown(raw): raw
        }
    }

    /// Slack granted when comparing with the last execution.
    ///
    /// FD stamps fdTasksLastExec when it handles *our* activation request, a moment after the
    /// check that triggered it. Without slack, a cron firing at the same wall time one period
    /// later finds the period a second or two short and skips a whole cycle — the drift of
    /// spec §10 #34. A minute absorbs that delay and cannot cause a double activation.
    public static let defaultTolerance: TimeInterval = 60

    /// When the next activation is due after one at `lastExec`, or nil for `.unknown`.
    ///
    /// Years, months, weeks and days are added on the wall clock of `zone` (PHP tested the
    /// *months component* of an interval, so a task last run 370 days ago was "0 months" old,
    /// spec §10 #34; and a day is not always 24 h across DST). Hours are real elapsed hours.
    public func nextActivation(after lastExec: Date, in zone: TimeZone) -> Date? {
        let local = LocalDateTime(instant: lastExec, in: zone)
        switch self {
        case .yearly: return local.adding(years: 1).instant(in: zone)
        case .monthly: return local.adding(months: 1).instant(in: zone)
        case .weekly: return local.adding(days: 7).instant(in: zone)
        case .daily: return local.adding(days: 1).instant(in: zone)
        case .hourly: return lastExec.addingTimeInterval(3_600)
        case .unknown: return nil
        }
    }

    /// Whether a repeatable task should be re-activated now (spec §8.6, bugs of §10 #34 fixed).
    ///
    /// - `schedule` (fdTasksScheduleDate as an instant) in the future → not started yet.
    ///   A nil schedule imposes no start; an *unreadable* one must be rejected by the caller
    ///   (`MainTask.cyclicActivation` does) — PHP compared it as `false` and activated.
    /// - no `lastExec` → due (never activated).
    /// - otherwise due when `nextActivation(after: lastExec) ≤ now + tolerance`.
    public func isDue(
        lastExec: Date?, schedule: Date?, now: Date, in zone: TimeZone,
        tolerance: TimeInterval = RepeatSchedule.defaultTolerance
    ) -> CyclicActivation {
        if case let .unknown(raw) = self { return .unknownSchedule(raw) }
        if let schedule, schedule > now { return .notStarted(startsAt: schedule) }
        guard let lastExec else { return .due(.neverActivated) }
        guard let next = nextActivation(after: lastExec, in: zone) else { return .unknownSchedule(fdValue) }
        return next <= now.addingTimeInterval(tolerance) ? .due(.periodElapsed(since: next)) : .waiting(until: next)
    }
}

/// The outcome of the cyclic-activation check for one main task, with its reason.
public enum CyclicActivation: Sendable, Equatable {
    public enum DueReason: Sendable, Equatable {
        /// fdTasksLastExec is absent.
        case neverActivated
        /// The period since the last activation ended at the given instant.
        case periodElapsed(since: Date)
    }

    case due(DueReason)
    /// fdTasksScheduleDate is still in the future.
    case notStarted(startsAt: Date)
    /// The current period has not ended yet.
    case waiting(until: Date)
    /// fdTasksRepeatableSchedule holds a value FD does not write.
    case unknownSchedule(String)
    /// fdTasksRepeatable is not TRUE.
    case notRepeatable
    /// A value needed for the decision is missing or unreadable.
    case invalid(reason: String)

    public var isDue: Bool {
        if case .due = self { return true }
        return false
    }
}
