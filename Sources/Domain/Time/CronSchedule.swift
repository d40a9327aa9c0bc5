import Foundation

/// A five-field cron expression (Vixie/POSIX syntax) evaluated on the wall clock of a zone,
/// for the built-in scheduler (`SCHEDULE_MAIL="*/5 * * * *"`, `SCHEDULE_AUDIT="0 3 * * *"`,
/// in `fdTimezone`).
///
/// Fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or `jan`…`dec`), day
/// of week (0-7, 0 and 7 being Sunday, or `sun`…`sat`). The macros `@hourly`, `@daily`
/// (`@midnight`), `@weekly`, `@monthly` and `@yearly` (`@annually`) stand for their usual
/// expressions; `@reboot` is not a time and is rejected. When both day fields are restricted
/// (neither starts with `*`) a day matches if *either* does, otherwise both must — Vixie's rule.
///
/// Slots are the matching wall times, whole minutes, mapped to instants as Vixie cron runs
/// them across DST transitions:
/// - a wall time the clocks skip (spring forward) fires once, at the end of the gap, which
///   is the transition itself (Europe/Paris 2026-03-29 02:30 → 03:00 CEST = 01:00Z). All the
///   skipped times share that one slot. (`LocalDateTime.instant(in:)` reads a skipped time
///   shifted by the gap's length instead — 03:30 CEST — which suits a task's date, not a
///   schedule that must not run later than its neighbours.)
/// - a wall time the clocks repeat (fall back) fires at its first occurrence only, unless the
///   hour field starts with `*` (`*`, `*/2`): such a job runs by real time, so both
///   occurrences fire and `*/15 * * * *` keeps its pace through the repeated hour.
///
/// Slots are strictly increasing instants: calling `nextSlot(after:in:)` with the previous
/// answer never returns the same slot twice.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given, trimmed.
    public let description: String
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField

    /// How far `nextSlot` looks: eight years always include a 29 February (2096 → 2104).
    static let horizon = 8 * 366 * 86_400

    /// Parses `expression`; `setting` names the source in the error (`SCHEDULE_MAIL`).
    /// An empty expression is rejected: the caller decides what an unset setting means.
    public init(_ expression: String, setting: String = "schedule") throws(DomainError) {
        let trimmed = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        let source = CronField.Source(setting: setting, expression: trimmed)
        var fields = trimmed.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first else { throw source.failure("the schedule is empty") }
        if first.hasPrefix("@") {
            guard fields.count == 1 else { throw source.failure("\(first) takes no fields after it") }
            guard let expanded = Self.macros[first.lowercased()] else {
                throw first.lowercased() == "@reboot"
                    ? source.failure("@reboot is not a time of day; give five fields or a periodic macro")
                    : source.failure("unknown macro \(first); expected @hourly, @daily, @weekly, @monthly or @yearly")
            }
            fields = expanded.split(separator: " ")
        }
        guard fields.count == 5 else {
            throw source.failure(
                "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)"
            )
        }
        description = trimmed
        minutes = try CronField(parsing: fields[0], as: .minute, source: source)
        hours = try CronField(parsing: fields[1], as: .hour, source: source)
        daysOfMonth = try CronField(parsing: fields[2], as: .dayOfMonth, source: source)
        months = try CronField(parsing: fields[3], as: .month, source: source)
        daysOfWeek = try CronField(parsing: fields[4], as: .dayOfWeek, source: source)
    }

    static let macros: [String: String] = [
        "@hourly": "0 * * * *",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
    ]

    /// The first slot strictly after `instant`, in `zone`; nil only if none within about
    /// eight years (`0 0 30 2 *`).
    public func nextSlot(after instant: Date, in zone: TimeZone) -> Date? {
        next(after: LocalDateTime.wholeSeconds(instant), clock: ZoneWallTimes(zone: zone)).map(Self.date)
    }

    /// The latest slot in `(after, notAfter]`, nil if there is none: several missed slots
    /// collapse into the newest one. Found backwards from `notAfter`, so a long downtime
    /// costs no more than a short one.
    public func latestSlot(after: Date, notAfter: Date, in zone: TimeZone) -> Date? {
        guard notAfter > after else { return nil }
        let clock = ZoneWallTimes(zone: zone)
        let afterSeconds = LocalDateTime.wholeSeconds(after)
        let notAfterSeconds = LocalDateTime.wholeSeconds(notAfter)
        // No wall time a day before `after` can fire after it.
        let lowest = max(clock.wall(at: afterSeconds) - 86_400, clock.wall(at: notAfterSeconds) - Self.horizon)
        guard let slot = latest(notAfter: notAfterSeconds, lowestWall: lowest, clock: clock),
              slot > afterSeconds
        else { return nil }
        return Self.date(slot)
    }

    static func date(_ seconds: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Vixie's rule: a job whose hour field starts with `*` runs by real time, firing at
    /// both occurrences of a repeated wall time.
    var firesTwiceInRepeatedHour: Bool { hours.isStar }

    /// The first slot after the whole second `after`.
    ///
    /// The first occurrence of wall times only grows with them, so the answer is the first
    /// matching wall time after `after`'s own — except around a repeated hour, where second
    /// occurrences interleave and are handled on their own.
    func next(after: Int, clock: ZoneWallTimes) -> Int? {
        let wall = clock.wall(at: after)
        var lowest = wall + 1
        if let overlap = clock.overlap(containing: wall) {
            let lastRepeated = overlap.end - 1
            if after >= overlap.transition {
                // In the second occurrence: first occurrences are all past.
                if firesTwiceInRepeatedHour, let match = firstWall(from: wall + 1, through: lastRepeated) {
                    return match - overlap.lateOffset
                }
            } else {
                if let match = firstWall(from: wall + 1, through: lastRepeated) {
                    return match - overlap.earlyOffset
                }
                if firesTwiceInRepeatedHour, let match = firstWall(from: overlap.start, through: lastRepeated) {
                    return match - overlap.lateOffset
                }
            }
            lowest = overlap.end
        }
        return firstWall(from: lowest, through: wall + Self.horizon).map(clock.firstInstant(of:))
    }

    /// The last slot at or before the whole second `notAfter`, among wall times from
    /// `lowestWall` on.
    func latest(notAfter: Int, lowestWall: Int, clock: ZoneWallTimes) -> Int? {
        let wall = clock.wall(at: notAfter)
        var highest = wall
        if let overlap = clock.overlap(containing: wall), notAfter >= overlap.transition {
            // In the second occurrence: every first occurrence of the repeated times is past.
            if firesTwiceInRepeatedHour, let match = lastWall(through: wall, from: max(overlap.start, lowestWall)) {
                return match - overlap.lateOffset
            }
            highest = overlap.end - 1
        }
        guard let match = lastWall(through: highest, from: lowestWall) else { return nil }
        switch clock.resolve(match) {
        case let .unique(instant): return instant
        case let .gap(end): return end
        case let .repeated(first, second): return firesTwiceInRepeatedHour && second <= notAfter ? second : first
        }
    }
}
