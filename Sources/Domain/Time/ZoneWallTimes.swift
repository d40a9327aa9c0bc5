import Foundation

/// How the wall-clock times of a zone map to instants, in whole seconds, for schedules that
/// must see each DST transition as it is (`CronSchedule`).
///
/// Times are plain integers: a *wall* is seconds since 1970-01-01 00:00:00 of the zone's wall
/// clock (as `LocalDateTime.wallSeconds`), an *instant* is Unix time. Built on
/// `TimeZone.secondsFromGMT(for:)` alone, with the assumption `LocalDateTime.instant(in:)`
/// also makes: a zone's transitions are more than a day apart and shift it by less than a day.
struct ZoneWallTimes {
    let zone: TimeZone

    /// How one wall time happens.
    enum Resolution: Equatable {
        /// Once.
        case unique(Int)
        /// Never: the clocks jumped over it. `end` is the transition, where the gap ends.
        case gap(end: Int)
        /// Twice, clocks having been set back: at `first`, then again at `second`.
        case repeated(first: Int, second: Int)
    }

    /// The wall times a fall-back transition repeats, `start..<end`: they happen first with
    /// `earlyOffset` (before `transition`), then again with `lateOffset` (from `transition`).
    struct Overlap: Equatable {
        let transition: Int
        let start: Int
        let end: Int
        let earlyOffset: Int
        let lateOffset: Int
    }

    func offset(at instant: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    func wall(at instant: Int) -> Int {
        instant + offset(at: instant)
    }

    func resolve(_ wall: Int) -> Resolution {
        // The offsets in force a day either side are the only ones that can apply.
        let offsets = Set([wall - 86_400, wall, wall + 86_400].map(offset(at:)))
        let instants = Set(offsets.map { wall - $0 }.filter { wall - offset(at: $0) == $0 })
        if let first = instants.min(), let last = instants.max() {
            return first == last ? .unique(first) : .repeated(first: first, second: last)
        }
        // In a gap: read with the later (larger) offset the wall time falls before the
        // transition, with the earlier one after it.
        let low = offsets.min() ?? 0
        let high = offsets.max() ?? 0
        guard low < high else { return .unique(wall - low) }
        return .gap(end: transition(after: wall - high, through: wall - low))
    }

    /// The first instant in `(after, through]` whose offset differs from the one at `after`,
    /// found by bisection; `through` when there is none.
    func transition(after low: Int, through high: Int) -> Int {
        let before = offset(at: low)
        var low = low
        var high = high
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == before { low = middle } else { high = middle }
        }
        return high
    }

    /// The fall-back overlap that `wall` belongs to, if it happens twice.
    func overlap(containing wall: Int) -> Overlap? {
        guard case let .repeated(first, second) = resolve(wall) else { return nil }
        let transition = transition(after: first, through: second)
        let early = wall - first
        let late = wall - second
        return Overlap(
            transition: transition, start: transition + late, end: transition + early,
            earlyOffset: early, lateOffset: late
        )
    }

    /// The earliest instant a wall time denotes: its only one, its first when repeated, the
    /// end of the gap when skipped.
    func firstInstant(of wall: Int) -> Int {
        switch resolve(wall) {
        case let .unique(instant): instant
        case let .gap(end): end
        case let .repeated(first, _): first
        }
    }
}
