import Foundation

/// The Life Cycle rewrite of a user's supannRessourceEtatDate (spec §8.2), with the PHP
/// crashes and dead ends of spec §10 #27, #28 and #30 turned into explicit outcomes.
public struct LifeCycleRule: Sendable, Equatable {
    /// The state a user must be in (sub-state nil = any sub-state).
    public let pre: SupannResourceState
    /// The state to write.
    public let post: SupannResourceState
    /// Days added to the old end date to form the new end date.
    public let postEndDays: Int

    public init(pre: SupannResourceState, post: SupannResourceState, postEndDays: Int) {
        self.pre = pre
        self.post = post
        self.postEndDays = postEndDays
    }

    /// What to do for one user, given all their supannRessourceEtatDate values.
    ///
    /// 1. A change is needed iff some value has the pre resource and state, the pre sub-state
    ///    if one is set, and a non-empty end date on or before `today` (PHP: end at local
    ///    midnight ≤ now). Comparisons are exact, as in PHP; FD writes the keys verbatim.
    ///    Values without an end date never expire.
    /// 2. The value rewritten is the matched one when it has the post resource (the usual
    ///    case), else the first value with the post resource (PHP always took the first; FD
    ///    keeps one value per resource, so both agree on FD-written data). It becomes
    ///    `{Post}STATE:SUBSTATE:OLD_END:NEW_END` with NEW_END = OLD_END + postEndDays.
    ///    This keeps PHP's wire format, which FD and its prolongation page also use, although
    ///    FD's UI describes the extra days as counted "from today" (spec §10 #29): changing
    ///    the meaning of existing tasks silently would be worse than the documented quirk.
    ///    A value in the pre-state without an end date, or a value of the pre resource that
    ///    cannot be read, is `.cannotApply`: the task cannot tell whether it ended.
    /// 3. Instead of PHP's crash / empty status: no value with the post resource, or one
    ///    without an end date, gives `.cannotApply` with a reason for the sub-task status.
    /// 4. Every other value is written back untouched. Because the attribute is replaced as
    ///    a whole, a value we cannot parse would be lost; a needed change is then refused
    ///    (`.cannotApply`) rather than destroying data.
    public func decide(values: [String], today: CalendarDate) -> LifeCycleDecision {
        var parsed: [SupannResourceStateDate] = []
        var unreadable: [String] = []
        for value in values {
            do throws(DomainError) {
                parsed.append(try SupannResourceStateDate(parsing: value))
            } catch {
                // A value of the pre resource that cannot be read (an end that is not a date) might
                // be the one that ended: say so instead of guessing (PHP crashed, §10 #27).
                if value.hasPrefix("{\(pre.resource)}") { return .cannotApply(reason: error.message) }
                unreadable.append(error.message)
            }
        }
        // In the pre-state with no end date: FD's task means to move it at its end, and there is none.
        if let endless = parsed.first(where: { isInPreState($0) && $0.end == nil }) {
            return .cannotApply(reason: "the supannRessourceEtatDate value \(endless) has no end date")
        }
        guard let matched = parsed.firstIndex(where: { needsChange($0, today: today) }) else { return .noChangeNeeded }
        if let first = unreadable.first {
            return .cannotApply(reason: "cannot rewrite supannRessourceEtatDate safely: \(first)")
        }
        let target = parsed[matched].resource == post.resource
            ? matched
            : parsed.firstIndex { $0.resource == post.resource }
        guard let index = target else {
            return .cannotApply(reason: "no supannRessourceEtatDate value for resource {\(post.resource)} to move to \(post)")
        }
        guard let oldEnd = parsed[index].end else {
            return .cannotApply(reason: "the supannRessourceEtatDate value \(parsed[index]) has no end date to extend")
        }
        var newValues = parsed
        newValues[index] = SupannResourceStateDate(post, start: oldEnd, end: oldEnd.adding(days: postEndDays))
        return .rewrite(newValues: newValues, changed: index)
    }

    /// `decide(values:today:)` with today's date taken in `zone` (PHP compared the end date
    /// at local midnight with now, which is the same thing).
    public func decide(values: [String], now: Date, in zone: TimeZone) -> LifeCycleDecision {
        decide(values: values, today: CalendarDate(instant: now, in: zone))
    }

    private func needsChange(_ value: SupannResourceStateDate, today: CalendarDate) -> Bool {
        guard isInPreState(value), let end = value.end else { return false }
        return end <= today
    }

    private func isInPreState(_ value: SupannResourceStateDate) -> Bool {
        guard value.resource == pre.resource, value.state == pre.state else { return false }
        if let wanted = pre.subState, value.subState != wanted { return false }
        return true
    }
}

/// The outcome of `LifeCycleRule.decide`.
public enum LifeCycleDecision: Sendable, Equatable {
    /// Nothing to do; the sub-task can be removed (spec §8.2 d).
    case noChangeNeeded
    /// Replace supannRessourceEtatDate with `newValues`; `changed` is the index (the same in
    /// the input and the output) of the rewritten value.
    case rewrite(newValues: [SupannResourceStateDate], changed: Int)
    /// The change is needed but cannot be made; `reason` is fit for the sub-task status.
    case cannotApply(reason: String)
}
