import Foundation

/// Wall-clock → instant conversions in one zone, remembered: time-zone lookups are the costly part
/// of listing thousands of sub-tasks that share a handful of schedules. Not Sendable: use it
/// within one computation (one request), never share it.
public final class InstantCache {
    public let zone: TimeZone
    private var instants: [LocalDateTime: Date] = [:]

    public init(zone: TimeZone) {
        self.zone = zone
    }

    public func instant(of time: LocalDateTime) -> Date {
        if let known = instants[time] { return known }
        let instant = time.instant(in: zone)
        // Bounded: a directory has few distinct schedules, but a long-lived cache must not grow forever.
        if instants.count >= 4_096 { instants.removeAll(keepingCapacity: true) }
        instants[time] = instant
        return instant
    }
}
