import Testing
@testable import Domain

@Suite("LocalDateTime formats")
struct LocalDateTimeFormatTests {
    @Test(arguments: ["20261102100000", "20240229235959", "00010101000000", "99991231235959", "20261231000000"])
    func scheduleRoundTrips(text: String) throws {
        #expect(try LocalDateTime(fdSchedule: text).fdSchedule == text)
    }

    @Test func scheduleFieldsAreRead() throws {
        let value = try LocalDateTime(fdSchedule: "20261102100507")
        #expect([value.year, value.month, value.day, value.hour, value.minute, value.second] == [2026, 11, 2, 10, 5, 7])
    }

    @Test(arguments: ["2026-11-22 01:00:03", "2024-02-29 23:59:59", "2026-01-01 00:00:00"])
    func lastExecRoundTrips(text: String) throws {
        #expect(try LocalDateTime(fdLastExec: text).fdLastExec == text)
    }

    @Test(arguments: [
        ("2026-11-02 09:14:37am", 9), ("2026-10-30 11:02:51am", 11), ("2026-10-30 12:02:51am", 0),
        ("2026-10-30 12:02:51pm", 12), ("2026-10-30 01:00:00pm", 13), ("2026-10-30 11:59:59pm", 23),
    ])
    func creationDateUsesATwelveHourClock(text: String, hour: Int) throws {
        let value = try LocalDateTime(fdCreationDate: text)
        #expect(value.hour == hour)
        #expect(value.fdCreationDate == text)
    }

    @Test func creationDateAcceptsUpperCaseMeridiemButPrintsLowerCase() throws {
        #expect(try LocalDateTime(fdCreationDate: "2026-10-30 12:00:00AM").fdCreationDate == "2026-10-30 12:00:00am")
    }

    @Test(arguments: [
        "", "2026110210000", "202611021000000", "2026-11-02 10:00", "20261302100000", "20260230100000",
        "20250229100000", "20261102240000", "20261102106000", "20261102100060", "2026110210000Z",
        "2026 1102100000", "٢٠٢٦١١٠٢١٠٠٠٠٠", "00001102100000", "-2026110210000", "20261102100000 ",
    ])
    func malformedSchedulesAreRejectedWithAReason(text: String) {
        #expect(throws: DomainError.self) { try LocalDateTime(fdSchedule: text) }
        do {
            _ = try LocalDateTime(fdSchedule: text)
        } catch {
            #expect(error.code == "domain.invalid_value")
            #expect(error.message.contains("fdTasksScheduleDate"))
        }
    }

    @Test(arguments: ["2026-11-22T01:00:03", "2026-11-22 1:00:03", "2026-02-30 01:00:03", "2026-11-22 01:00:03Z", "20261122010003"])
    func malformedLastExecIsRejected(text: String) {
        #expect(throws: DomainError.self) { try LocalDateTime(fdLastExec: text) }
    }

    @Test(arguments: [
        "2026-11-02 09:14:37", "2026-11-02 00:14:37am", "2026-11-02 13:14:37pm", "2026-11-02 09:14:37xm",
        "2026-11-02 09:14:37 am", "2026-11-02 21:14:37", "2026-11-31 09:14:37am",
    ])
    func malformedCreationDatesAreRejected(text: String) {
        #expect(throws: DomainError.self) { try LocalDateTime(fdCreationDate: text) }
    }

    @Test(arguments: [(2024, true), (2026, false), (2000, true), (1900, false), (2100, false), (2400, true)])
    func februaryTwentyNinthExistsOnlyInLeapYears(year: Int, leap: Bool) {
        let text = "\(year)0229120000"
        if leap {
            #expect(throws: Never.self) { try LocalDateTime(fdSchedule: text) }
        } else {
            #expect(throws: DomainError.self) { try LocalDateTime(fdSchedule: text) }
        }
    }

    @Test func monthArithmeticClampsToTheLastDayOfTheMonth() throws {
        let endOfJanuary = try LocalDateTime(fdSchedule: "20260131100000")
        #expect(endOfJanuary.adding(months: 1).fdSchedule == "20260228100000")
        #expect(try LocalDateTime(fdSchedule: "20240229100000").adding(years: 1).fdSchedule == "20250228100000")
        #expect(endOfJanuary.adding(days: 30).fdSchedule == "20260302100000")
        #expect(endOfJanuary.adding(months: -2).fdSchedule == "20251130100000")
    }

    @Test func orderingFollowsTheWallClock() throws {
        #expect(try LocalDateTime(fdSchedule: "20261102100000") < (try LocalDateTime(fdSchedule: "20261102100001")))
        #expect(try LocalDateTime(fdSchedule: "20251231235959") < (try LocalDateTime(fdSchedule: "20260101000000")))
    }
}
