import Foundation
import Testing
@testable import Domain

@Suite("Cron schedule: syntax and plain time")
struct CronScheduleTests {
    static func values(_ field: CronField, _ range: ClosedRange<Int>) -> [Int] {
        range.filter(field.contains)
    }

    static func iso(_ date: Date?) -> String? {
        guard let date else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The first `count` slots after `start`, each found from the previous one, as ISO text.
    static func slots(_ expression: String, after start: String, count: Int, in zone: TimeZone) throws -> [String] {
        let schedule = try CronSchedule(expression)
        var cursor = try Fixtures.instant(start)
        var out: [String] = []
        for _ in 0..<count {
            guard let next = schedule.nextSlot(after: cursor, in: zone) else { break }
            out.append(iso(next) ?? "")
            cursor = next
        }
        return out
    }

    static func latest(_ expression: String, after: String, notAfter: String, in zone: TimeZone) throws -> String? {
        iso(try CronSchedule(expression).latestSlot(
            after: Fixtures.instant(after), notAfter: Fixtures.instant(notAfter), in: zone
        ))
    }

    // MARK: Syntax

    @Test func everySyntaxFormSelectsItsValues() throws {
        let schedule = try CronSchedule("1,5-7,*/20,50-58/4,57/1 0-23/6 10/7 */5 1-3")
        #expect(Self.values(schedule.minutes, 0...59) == [0, 1, 5, 6, 7, 20, 40, 50, 54, 57, 58, 59])
        #expect(Self.values(schedule.hours, 0...23) == [0, 6, 12, 18])
        #expect(Self.values(schedule.daysOfMonth, 1...31) == [10, 17, 24, 31])
        #expect(Self.values(schedule.months, 1...12) == [1, 6, 11])
        #expect(Self.values(schedule.daysOfWeek, 0...6) == [1, 2, 3])
    }

    @Test func namesAreCaseInsensitiveAndWorkInRangesAndLists() throws {
        let schedule = try CronSchedule("0 0 * JAN-mar,Dec mon-FRI,sun")
        #expect(Self.values(schedule.months, 1...12) == [1, 2, 3, 12])
        #expect(Self.values(schedule.daysOfWeek, 0...6) == [0, 1, 2, 3, 4, 5])
    }

    @Test func sevenIsSundayLikeZero() throws {
        #expect(Self.values(try CronSchedule("0 0 * * 7").daysOfWeek, 0...7) == [0])
        #expect(Self.values(try CronSchedule("0 0 * * 5-7").daysOfWeek, 0...7) == [0, 5, 6])
        #expect(Self.values(try CronSchedule("0 0 * * *").daysOfWeek, 0...7) == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test(arguments: [
        ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@DAILY", "0 0 * * *"),
    ])
    func macrosStandForTheirExpressions(macro: String, expression: String) throws {
        let expanded = try CronSchedule(expression)
        let schedule = try CronSchedule(macro)
        #expect(schedule.description == macro)
        #expect(schedule.minutes == expanded.minutes && schedule.hours == expanded.hours)
        #expect(schedule.daysOfMonth == expanded.daysOfMonth && schedule.months == expanded.months)
        #expect(schedule.daysOfWeek == expanded.daysOfWeek)
    }

    @Test func descriptionIsTheTrimmedExpression() throws {
        #expect(try CronSchedule("  */5\t* * * *\n").description == "*/5\t* * * *")
    }

    @Test(arguments: [
        ("", "the schedule is empty"),
        ("   ", "the schedule is empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
        ("* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("* 24 * * *", "hour 24 is out of range 0-23"),
        ("* * 0 * *", "day of month 0 is out of range 1-31"),
        ("* * 32 * *", "day of month 32 is out of range 1-31"),
        ("* * * 13 *", "month 13 is out of range 1-12"),
        ("* * * * 8", "day of week 8 is out of range 0-7"),
        ("*/0 * * * *", "minute step 0 must be at least 1"),
        ("* 1-5/0 * * *", "hour step 0 must be at least 1"),
        ("*/x * * * *", "minute step \"x\" is not a number"),
        ("*/ * * * *", "minute step \"\" is not a number"),
        ("*/2/3 * * * *", "minute item \"*/2/3\" has more than one step"),
        ("30-10 * * * *", "minute range 30-10 is reversed"),
        ("* * * * fri-mon", "day of week range fri-mon is reversed"),
        ("1,,2 * * * *", "minute list has an empty item"),
        ("1, * * * *", "minute list has an empty item"),
        ("-5 * * * *", "minute is missing a value"),
        ("1-2-3 * * * *", "minute \"1-2-3\" is not a number or a range"),
        ("x * * * *", "minute \"x\" is not a number"),
        ("* * * foo *", "month \"foo\" is not a number or a month name"),
        ("* * * * funday", "day of week \"funday\" is not a number or a day name"),
        ("* * mon * *", "day of month \"mon\" is not a number"),
        ("1.5 * * * *", "minute \"1.5\" is not a number"),
        ("@reboot", "@reboot is not a time of day; give five fields or a periodic macro"),
        ("@often", "unknown macro @often; expected @hourly, @daily, @weekly, @monthly or @yearly"),
        ("@daily 5", "@daily takes no fields after it"),
    ])
    func invalidExpressionsAreRejectedWithTheirReason(expression: String, reason: String) {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        #expect(throws: DomainError.invalidValue(attribute: "schedule", value: trimmed, reason: reason)) {
            try CronSchedule(expression)
        }
    }

    @Test func errorsNameTheSettingGivenByTheCaller() {
        #expect(throws: DomainError.invalidValue(
            attribute: "SCHEDULE_MAIL", value: "61 * * * *", reason: "minute 61 is out of range 0-59"
        )) {
            try CronSchedule("61 * * * *", setting: "SCHEDULE_MAIL")
        }
        let message = DomainError.invalidValue(
            attribute: "SCHEDULE_MAIL", value: "61 * * * *", reason: "minute 61 is out of range 0-59"
        ).message
        #expect(message == "SCHEDULE_MAIL value \"61 * * * *\" is invalid: minute 61 is out of range 0-59")
    }

    // MARK: Next slot, no DST

    @Test func everyFiveMinutesIsStrictlyAfterTheGivenInstant() throws {
        let utc = try Fixtures.utc
        #expect(try Self.slots("*/5 * * * *", after: "2026-01-01T10:02:30Z", count: 3, in: utc)
            == ["2026-01-01T10:05:00Z", "2026-01-01T10:10:00Z", "2026-01-01T10:15:00Z"])
        #expect(try Self.slots("*/5 * * * *", after: "2026-01-01T10:05:00Z", count: 1, in: utc) == ["2026-01-01T10:10:00Z"])
        #expect(try Self.slots("*/5 * * * *", after: "2026-12-31T23:57:00Z", count: 1, in: utc) == ["2027-01-01T00:00:00Z"])
    }

    @Test func dailyAtThreeIsReadInTheZone() throws {
        let paris = try Fixtures.paris
        #expect(try Self.slots("0 3 * * *", after: "2026-01-10T00:00:00Z", count: 2, in: paris)
            == ["2026-01-10T02:00:00Z", "2026-01-11T02:00:00Z"])
        #expect(try Self.slots("0 3 * * *", after: "2026-06-10T02:00:00Z", count: 1, in: paris) == ["2026-06-11T01:00:00Z"])
    }

    @Test func weekdaysOnlySkipTheWeekend() throws {
        // 2026-01-09 is a Friday.
        #expect(try Self.slots("0 9 * * 1-5", after: "2026-01-09T09:00:00Z", count: 2, in: Fixtures.utc)
            == ["2026-01-12T09:00:00Z", "2026-01-13T09:00:00Z"])
        #expect(try Self.slots("0 9 * * mon-fri", after: "2026-01-09T08:59:59Z", count: 1, in: Fixtures.utc)
            == ["2026-01-09T09:00:00Z"])
    }

    @Test func firstOfTheMonthCrossesMonthAndYearEnds() throws {
        let utc = try Fixtures.utc
        #expect(try Self.slots("0 0 1 * *", after: "2026-01-31T12:00:00Z", count: 1, in: utc) == ["2026-02-01T00:00:00Z"])
        #expect(try Self.slots("0 0 1 * *", after: "2026-12-15T00:00:00Z", count: 1, in: utc) == ["2027-01-01T00:00:00Z"])
        #expect(try Self.slots("0 0 31 * *", after: "2026-01-31T00:00:00Z", count: 2, in: utc)
            == ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"])
    }

    @Test func twentyNinthOfFebruaryWaitsForALeapYear() throws {
        let utc = try Fixtures.utc
        #expect(try Self.slots("0 0 29 2 *", after: "2026-03-01T00:00:00Z", count: 1, in: utc) == ["2028-02-29T00:00:00Z"])
        // 2100 is not a leap year: eight years pass between 2096 and 2104.
        #expect(try Self.slots("0 0 29 feb *", after: "2096-03-01T00:00:00Z", count: 1, in: utc) == ["2104-02-29T00:00:00Z"])
    }

    @Test func impossibleDateHasNoSlotAndAnswersQuickly() throws {
        let schedule = try CronSchedule("0 0 30 2 *")
        let start = ContinuousClock.now
        let now = try Fixtures.instant("2026-05-01T00:00:00Z")
        #expect(schedule.nextSlot(after: now, in: try Fixtures.paris) == nil)
        #expect(schedule.latestSlot(after: now.addingTimeInterval(-8 * 366 * 86_400), notAfter: now, in: try Fixtures.paris) == nil)
        #expect(ContinuousClock.now - start < .milliseconds(250))
    }

    @Test func restrictedDayOfMonthAndDayOfWeekMatchEither() throws {
        let utc = try Fixtures.utc
        // April 2026: Fridays 3, 10, 17; the 13th is a Monday.
        #expect(try Self.slots("0 0 13 * 5", after: "2026-04-01T00:00:00Z", count: 4, in: utc)
            == ["2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z"])
        #expect(try Self.slots("0 0 13 * *", after: "2026-04-01T00:00:00Z", count: 2, in: utc)
            == ["2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z"])
        #expect(try Self.slots("0 0 * * fri", after: "2026-04-11T00:00:00Z", count: 1, in: utc) == ["2026-04-17T00:00:00Z"])
    }

    // MARK: Latest slot

    @Test func missedSlotsCollapseIntoTheNewest() throws {
        let utc = try Fixtures.utc
        #expect(try Self.latest("0 * * * *", after: "2026-05-01T09:30:00Z", notAfter: "2026-05-01T12:45:00Z", in: utc)
            == "2026-05-01T12:00:00Z")
        #expect(try Self.latest("0 * * * *", after: "2026-05-01T09:10:00Z", notAfter: "2026-05-01T09:50:00Z", in: utc) == nil)
    }

    @Test func latestSlotExcludesAfterAndIncludesNotAfter() throws {
        let utc = try Fixtures.utc
        #expect(try Self.latest("0 * * * *", after: "2026-05-01T10:00:00Z", notAfter: "2026-05-01T10:59:59Z", in: utc) == nil)
        #expect(try Self.latest("0 * * * *", after: "2026-05-01T10:00:00Z", notAfter: "2026-05-01T11:00:00Z", in: utc)
            == "2026-05-01T11:00:00Z")
        #expect(try Self.latest("0 * * * *", after: "2026-05-01T09:59:59Z", notAfter: "2026-05-01T10:00:00Z", in: utc)
            == "2026-05-01T10:00:00Z")
        #expect(try Self.latest("0 * * * *", after: "2026-05-01T11:00:00Z", notAfter: "2026-05-01T10:00:00Z", in: utc) == nil)
    }

    @Test func latestSlotLooksAcrossMonthsAndYears() throws {
        let paris = try Fixtures.paris
        #expect(try Self.latest("0 3 1 jan *", after: "2024-06-01T00:00:00Z", notAfter: "2026-05-01T00:00:00Z", in: paris)
            == "2026-01-01T02:00:00Z")
        #expect(try Self.latest("0 0 13 * 5", after: "2026-04-01T00:00:00Z", notAfter: "2026-04-16T00:00:00Z", in: Fixtures.utc)
            == "2026-04-13T00:00:00Z")
    }

    @Test func longDowntimeCostsNoMoreThanAShortOne() throws {
        let schedule = try CronSchedule("* * * * *")
        let now = try Fixtures.instant("2026-05-01T12:34:56Z")
        let start = ContinuousClock.now
        let latest = schedule.latestSlot(after: now.addingTimeInterval(-365 * 86_400), notAfter: now, in: try Fixtures.paris)
        // A backward search does a few dozen zone look-ups whatever the downtime; the bound
        // only leaves room for a loaded machine.
        #expect(ContinuousClock.now - start < .milliseconds(50))
        #expect(Self.iso(latest) == "2026-05-01T12:34:00Z")
    }

    @Test func extremeInstantsNeitherTrapNorLoop() throws {
        let schedule = try CronSchedule("0 0 29 2 *")
        let paris = try Fixtures.paris
        for instant in [Date.distantPast, .distantFuture, Date(timeIntervalSince1970: 1e300), Date(timeIntervalSince1970: -1e300)] {
            if let next = schedule.nextSlot(after: instant, in: paris) {
                #expect(next > instant || instant.timeIntervalSince1970 > 1e15)
            }
            _ = schedule.latestSlot(after: instant.addingTimeInterval(-1e9), notAfter: instant, in: paris)
        }
    }
}
