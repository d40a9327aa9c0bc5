import Foundation
import Testing
@testable import Domain

@Suite("Cron schedule: DST transitions")
struct CronScheduleDSTTests {
    static func slots(_ expression: String, after start: String, count: Int, in zone: TimeZone) throws -> [String] {
        try CronScheduleTests.slots(expression, after: start, count: count, in: zone)
    }

    static func latest(_ expression: String, after: String, notAfter: String, in zone: TimeZone) throws -> String? {
        try CronScheduleTests.latest(expression, after: after, notAfter: notAfter, in: zone)
    }

    // MARK: Europe/Paris, spring forward 2026-03-29 02:00 CET → 03:00 CEST (01:00Z)

    @Test func skippedTimeFiresOnceWhenTheGapEnds() throws {
        let paris = try Fixtures.paris
        #expect(try Self.slots("30 2 * * *", after: "2026-03-28T00:00:00Z", count: 3, in: paris)
            == ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
        #expect(try Self.slots("0 2 * * *", after: "2026-03-29T00:00:00Z", count: 1, in: paris) == ["2026-03-29T01:00:00Z"])
        #expect(try Self.slots("59 1 * * *", after: "2026-03-29T00:00:00Z", count: 1, in: paris) == ["2026-03-29T00:59:00Z"])
    }

    @Test func gapTimesShareOneSlotWithTheFirstRealTime() throws {
        // 02:00 and 02:30 never happen; with 03:00 they all fire at 01:00Z, once.
        #expect(try Self.slots("*/30 * * * *", after: "2026-03-29T00:00:00Z", count: 4, in: Fixtures.paris)
            == ["2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z"])
        #expect(try Self.slots("0,30 2,3 * * *", after: "2026-03-29T00:00:00Z", count: 2, in: Fixtures.paris)
            == ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"])
    }

    @Test func latestSlotSeesTheGapSlot() throws {
        let paris = try Fixtures.paris
        #expect(try Self.latest("30 2 * * *", after: "2026-03-29T00:00:00Z", notAfter: "2026-03-29T01:00:00Z", in: paris)
            == "2026-03-29T01:00:00Z")
        #expect(try Self.latest("30 2 * * *", after: "2026-03-29T00:00:00Z", notAfter: "2026-03-29T00:59:59Z", in: paris) == nil)
        #expect(try Self.latest("*/30 * * * *", after: "2026-03-29T00:00:00Z", notAfter: "2026-03-29T01:29:00Z", in: paris)
            == "2026-03-29T01:00:00Z")
    }

    // MARK: Europe/Paris, fall back 2026-10-25 03:00 CEST → 02:00 CET (01:00Z)

    @Test func repeatedTimeFiresAtItsFirstOccurrenceOnly() throws {
        let paris = try Fixtures.paris
        #expect(try Self.slots("30 2 * * *", after: "2026-10-24T12:00:00Z", count: 2, in: paris)
            == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
        #expect(try Self.slots("30 2 * * *", after: "2026-10-25T00:45:00Z", count: 1, in: paris) == ["2026-10-26T01:30:00Z"])
        #expect(try Self.slots("30 2 * * *", after: "2026-10-25T01:10:00Z", count: 1, in: paris) == ["2026-10-26T01:30:00Z"])
        #expect(try Self.slots("0 0-23/2 * * *", after: "2026-10-24T23:00:00Z", count: 2, in: paris)
            == ["2026-10-25T00:00:00Z", "2026-10-25T03:00:00Z"])
    }

    @Test func wildcardHourKeepsFiringByRealTimeThroughTheRepeatedHour() throws {
        let paris = try Fixtures.paris
        #expect(try Self.slots("*/15 * * * *", after: "2026-10-24T23:50:00Z", count: 9, in: paris) == [
            "2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z",
            "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z",
            "2026-10-25T02:00:00Z",
        ])
        #expect(try Self.slots("30 * * * *", after: "2026-10-24T23:00:00Z", count: 4, in: paris)
            == ["2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"])
        #expect(try Self.slots("0 */2 * * *", after: "2026-10-24T23:00:00Z", count: 3, in: paris)
            == ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T03:00:00Z"])
    }

    @Test func latestSlotInTheRepeatedHour() throws {
        let paris = try Fixtures.paris
        #expect(try Self.latest("*/15 * * * *", after: "2026-10-25T00:50:00Z", notAfter: "2026-10-25T01:20:00Z", in: paris)
            == "2026-10-25T01:15:00Z")
        #expect(try Self.latest("*/15 * * * *", after: "2026-10-25T00:00:00Z", notAfter: "2026-10-25T00:59:00Z", in: paris)
            == "2026-10-25T00:45:00Z")
        #expect(try Self.latest("30 2 * * *", after: "2026-10-24T12:00:00Z", notAfter: "2026-10-25T01:45:00Z", in: paris)
            == "2026-10-25T00:30:00Z")
        #expect(try Self.latest("0 * * * *", after: "2026-10-25T00:10:00Z", notAfter: "2026-10-25T01:10:00Z", in: paris)
            == "2026-10-25T01:00:00Z")
        #expect(try Self.latest("0 * * * *", after: "2026-10-25T00:10:00Z", notAfter: "2026-10-25T00:59:00Z", in: paris) == nil)
    }

    // MARK: America/New_York, 2026-03-08 02:00 EST → 03:00 EDT (07:00Z), 2026-11-01 02:00 EDT → 01:00 EST (06:00Z)

    @Test func newYorkTransitionsFollowTheSameRules() throws {
        let newYork = try Fixtures.zone("America/New_York")
        #expect(try Self.slots("30 2 * * *", after: "2026-03-07T12:00:00Z", count: 3, in: newYork)
            == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"])
        #expect(try Self.slots("30 1 * * *", after: "2026-10-31T12:00:00Z", count: 2, in: newYork)
            == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        #expect(try Self.slots("30 * * * *", after: "2026-11-01T04:45:00Z", count: 3, in: newYork)
            == ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"])
        #expect(try Self.latest("30 1 * * *", after: "2026-10-31T12:00:00Z", notAfter: "2026-11-01T06:45:00Z", in: newYork)
            == "2026-11-01T05:30:00Z")
    }

    @Test func utcHasNoTransitions() throws {
        #expect(try Self.slots("30 2 * * *", after: "2026-03-29T00:00:00Z", count: 2, in: Fixtures.utc)
            == ["2026-03-29T02:30:00Z", "2026-03-30T02:30:00Z"])
        #expect(try Self.slots("0 * * * *", after: "2026-10-25T00:30:00Z", count: 3, in: Fixtures.utc)
            == ["2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"])
    }

    // MARK: Against a minute-by-minute reading of the rules

    /// The slots in `from..<to`, one real minute at a time, straight from the rules: a minute
    /// fires when the clocks jumped over (or onto) a matching wall time to reach it, or when
    /// its wall time matches and is not a repeat — or is one, and the hour field starts with `*`.
    static func bruteForce(_ schedule: CronSchedule, from: Int, to: Int, in zone: TimeZone) -> [Int] {
        func wall(_ instant: Int) -> LocalDateTime { LocalDateTime(instant: CronSchedule.date(instant), in: zone) }
        func matches(_ wall: LocalDateTime) -> Bool {
            schedule.minutes.contains(wall.minute) && schedule.hours.contains(wall.hour)
                && schedule.months.contains(wall.month) && schedule.dayMatches(year: wall.year, month: wall.month, day: wall.day)
        }
        var slots: [Int] = []
        for instant in stride(from: from, to: to, by: 60) {
            let now = wall(instant)
            let before = wall(instant - 60).wallSeconds
            let fires: Bool
            if now.wallSeconds - before > 60 {
                fires = stride(from: before + 60, through: now.wallSeconds, by: 60)
                    .contains { matches(LocalDateTime(wallSeconds: $0)) }
            } else {
                let repeated = [1_800, 3_600].contains { wall(instant - $0) == now }
                fires = matches(now) && (!repeated || schedule.hours.isStar)
            }
            if fires { slots.append(instant) }
        }
        return slots
    }

    static let transitions: [(zone: String, instant: String)] = [
        ("Europe/Paris", "2026-03-29T01:00:00Z"), ("Europe/Paris", "2026-10-25T01:00:00Z"),
        ("America/New_York", "2026-03-08T07:00:00Z"), ("America/New_York", "2026-11-01T06:00:00Z"),
        ("Australia/Lord_Howe", "2026-04-04T15:00:00Z"), ("Australia/Lord_Howe", "2026-10-03T15:30:00Z"),
        ("UTC", "2026-10-25T01:00:00Z"),
    ]

    @Test(arguments: transitions, [
        "* * * * *", "*/15 * * * *", "0 * * * *", "30 2 * * *", "0 2 * * *", "45 1 * * *", "59 1 * * *",
        "*/7 1-3 * * *", "0,30 */2 * * *", "30 0-23/2 * * *", "15 2 * * sun", "10 2,3 * * 1",
    ])
    func searchAgreesWithMinuteByMinuteRules(transition: (zone: String, instant: String), expression: String) throws {
        let zone = try Fixtures.zone(transition.zone)
        let schedule = try CronSchedule(expression)
        let middle = Int(try Fixtures.instant(transition.instant).timeIntervalSince1970)
        let from = middle - 12 * 3_600
        let to = middle + 12 * 3_600
        let bruteEnd = to + 26 * 3_600
        let expected = Self.bruteForce(schedule, from: from - 6 * 3_600, to: bruteEnd, in: zone)

        // Iterating from slot to slot gives them all, strictly increasing.
        var found: [Int] = []
        var cursor = from - 1
        while let next = schedule.nextSlot(after: CronSchedule.date(cursor), in: zone).map({ Int($0.timeIntervalSince1970) }),
              next < to {
            #expect(next > cursor)
            found.append(next)
            cursor = next
        }
        #expect(found == expected.filter { $0 >= from && $0 < to })

        // From any instant, on a minute or between two: the next slot (beyond the brute-force
        // window for weekly expressions), and the latest of the last three hours.
        for instant in stride(from: from, to: to, by: 90) {
            let date = CronSchedule.date(instant)
            let next = schedule.nextSlot(after: date, in: zone).map { Int($0.timeIntervalSince1970) }
            if let expectedNext = expected.first(where: { $0 > instant }) {
                #expect(next == expectedNext, "next after \(instant)")
            } else {
                #expect(next.map { $0 >= bruteEnd } ?? false, "next after \(instant)")
            }
            let latest = schedule.latestSlot(after: date.addingTimeInterval(-10_800), notAfter: date, in: zone)
            #expect(latest.map { Int($0.timeIntervalSince1970) } == expected.last { $0 <= instant && $0 > instant - 10_800 },
                    "latest up to \(instant)")
        }
    }
}
