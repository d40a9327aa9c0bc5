import Foundation

/// Conversions between FD's zone-less wall-clock values and instants.
///
/// PHP compared schedules "in the host's view of fdTimezone", leaving DST gaps and overlaps
/// to whatever DateTime did (spec §10 #44). We state the rules and implement them from
/// `TimeZone.secondsFromGMT(for:)` alone, without relying on `Calendar` defaults:
///
/// - **Gap** (spring forward, the wall time never happens): the time is read with the
///   offset in force *before* the transition, which lands after the gap, shifted forward by
///   the gap's length. Europe/Paris, 2026-03-29 02:30 → 03:30 CEST = 01:30Z. A task
///   scheduled inside the gap therefore runs as soon as the gap is over, never early.
/// - **Overlap** (fall back, the wall time happens twice): the *earlier* instant wins.
///   Europe/Paris, 2026-10-25 02:30 → 02:30 CEST = 00:30Z. A task runs at the first
///   occurrence, never an hour late.
extension LocalDateTime {
    /// The instant this wall-clock time denotes in `zone`, with the gap/overlap rules above.
    public func instant(in zone: TimeZone) -> Date {
        let wall = wallSeconds
        // Offsets that could apply: those in force a day either side cover every real zone,
        // whose transitions are months apart and whose offsets stay within ±26 h.
        let probes = [wall - 86_400, wall, wall + 86_400]
        let offsets = Set(probes.map { zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval($0))) })
        // An offset is consistent when the instant it yields really has that offset.
        let consistent = offsets
            .map { wall - $0 }
            .filter { candidate in
                zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(candidate))) == wall - candidate
            }
        if let earliest = consistent.min() {
            return Date(timeIntervalSince1970: TimeInterval(earliest))
        }
        // In a gap no offset is consistent. Clocks jump forward, so the pre-transition
        // offset is the smaller one; reading the time with it lands just after the gap.
        let before = offsets.min() ?? zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall)))
        return Date(timeIntervalSince1970: TimeInterval(wall - before))
    }

    /// The wall-clock time of `instant` in `zone`, truncated to whole seconds and clamped
    /// to the years 1–9999.
    public init(instant: Date, in zone: TimeZone) {
        let seconds = Self.wholeSeconds(instant)
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        self.init(wallSeconds: seconds + offset)
    }

    /// Floor of the Unix time, safe for any `Date` (no trap on huge or non-finite values).
    static func wholeSeconds(_ instant: Date) -> Int {
        let raw = instant.timeIntervalSince1970.rounded(.down)
        let limit = 1e15
        guard raw.isFinite else { return raw > 0 ? Int(limit) : -Int(limit) }
        return Int(min(max(raw, -limit), limit))
    }
}
