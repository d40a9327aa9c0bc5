import Foundation
import Testing
@testable import Domain

@Suite("Cyclic activation")
struct CyclicActivationTests {
    static func check(
        _ schedule: RepeatSchedule, lastExec: String?, start: String? = "20250101010000", now: String
    ) throws -> CyclicActivation {
        let paris = try Fixtures.paris
        return schedule.isDue(
            lastExec: try lastExec.map { try LocalDateTime(fdLastExec: $0).instant(in: paris) },
            schedule: try start.map { try LocalDateTime(fdSchedule: $0).instant(in: paris) },
            now: try LocalDateTime(fdLastExec: now).instant(in: paris),
            in: paris
        )
    }

    @Test func monthlyTaskLastRun370DaysAgoIsDue() throws {
        // PHP read the months *component* of the interval (y=1, m=0) and skipped it (§10 #34).
        #expect(try Self.check(.monthly, lastExec: "2025-11-17 01:00:00", now: "2026-11-22 12:00:00").isDue)
    }

    @Test(arguments: [
        (RepeatSchedule.yearly, "2025-11-22 01:00:00", "2026-11-22 01:00:00", true),
        (.yearly, "2025-11-22 01:00:00", "2026-11-21 23:59:00", false),
        (.yearly, "2024-02-29 01:00:00", "2025-02-28 01:00:00", true),
        (.monthly, "2026-01-31 01:00:00", "2026-02-28 01:00:00", true),
        (.monthly, "2026-01-31 01:00:00", "2026-02-27 23:00:00", false),
        (.monthly, "2026-10-22 01:00:00", "2026-11-22 01:00:00", true),
        (.weekly, "2026-11-15 01:00:00", "2026-11-22 01:00:00", true),
        (.weekly, "2026-11-15 01:00:00", "2026-11-21 23:00:00", false),
        (.daily, "2026-11-21 01:00:03", "2026-11-22 01:00:00", true),  // FD stamps a few seconds late
        (.daily, "2026-11-21 01:00:03", "2026-11-22 00:58:00", false),
        (.daily, "2026-03-28 02:30:00", "2026-03-29 03:30:00", true),  // 23 h across spring-forward
        (.daily, "2026-10-24 01:00:00", "2026-10-25 01:00:00", true),  // 25 h across fall-back
        (.daily, "2026-10-24 01:00:00", "2026-10-25 00:30:00", false),
        (.hourly, "2026-11-22 10:00:00", "2026-11-22 11:00:00", true),
        (.hourly, "2026-11-22 10:00:00", "2026-11-22 10:58:00", false),
    ])
    func periodsAreAddedOnTheCalendar(schedule: RepeatSchedule, lastExec: String, now: String, due: Bool) throws {
        #expect(try Self.check(schedule, lastExec: lastExec, now: now).isDue == due)
    }

    @Test func neverActivatedTaskIsDue() throws {
        #expect(try Self.check(.daily, lastExec: nil, now: "2026-11-22 12:00:00") == .due(.neverActivated))
    }

    @Test func futureScheduleIsNotStartedEvenWithoutLastExec() throws {
        let result = try Self.check(.daily, lastExec: nil, start: "20261201010000", now: "2026-11-22 12:00:00")
        #expect(result == .notStarted(startsAt: try LocalDateTime(fdSchedule: "20261201010000").instant(in: Fixtures.paris)))
    }

    @Test func waitingReportsWhenTheNextActivationIsDue() throws {
        let result = try Self.check(.weekly, lastExec: "2026-11-20 01:00:00", now: "2026-11-22 12:00:00")
        #expect(result == .waiting(until: try LocalDateTime(fdLastExec: "2026-11-27 01:00:00").instant(in: Fixtures.paris)))
    }

    @Test func unknownScheduleIsNeverDue() throws {
        #expect(try Self.check(.unknown("Fortnightly"), lastExec: nil, now: "2026-11-22 12:00:00") == .unknownSchedule("Fortnightly"))
    }

    @Test(arguments: [("Yearly", RepeatSchedule.yearly), ("monthly", .monthly), ("WEEKLY", .weekly), ("Daily", .daily), ("hourly", .hourly)])
    func scheduleNamesAreCaseInsensitive(text: String, schedule: RepeatSchedule) {
        #expect(RepeatSchedule(fdValue: text) == schedule)
        #expect(RepeatSchedule(fdValue: text).fdValue.lowercased() == text.lowercased())
    }

    @Test func mainTaskDecidesFromItsOwnAttributes() throws {
        let now = try Fixtures.instant("2026-11-22T11:00:00Z")
        let audit = MainTask(entry: Fixtures.auditTask)  // Monthly, last run 2025-11-17
        #expect(audit.cyclicActivation(now: now, in: try Fixtures.paris).isDue)
        #expect(MainTask(entry: Fixtures.mailTask).cyclicActivation(now: now, in: try Fixtures.paris) == .notRepeatable)
    }

    @Test func unreadableScheduleIsInvalidNotDue() throws {
        let entry = Fixtures.mainTask("c", kindClass: "fdAuditTasks", [
            "fdTasksRepeatable": ["TRUE"], "fdTasksScheduleDate": ["soon"], "fdAuditTasksRetention": ["1"],
        ])
        let result = MainTask(entry: entry).cyclicActivation(now: Date(), in: try Fixtures.paris)
        guard case let .invalid(reason) = result else {
            Issue.record("expected .invalid, got \(result)")
            return
        }
        #expect(reason.contains("fdTasksScheduleDate"))
    }

    @Test func missingScheduleAttributesAreHandled() throws {
        let noRepeat = Fixtures.entry("cn=c,dc=x", ["objectClass": ["fdTasks", "fdAuditTasks"], "cn": ["c"], "fdTasksRepeatable": ["TRUE"]])
        #expect(MainTask(entry: noRepeat).cyclicActivation(now: Date(), in: try Fixtures.paris) == .invalid(reason: "fdTasksRepeatableSchedule is missing"))
        let noStart = Fixtures.entry("cn=c,dc=x", [
            "objectClass": ["fdTasks", "fdAuditTasks"], "cn": ["c"], "fdTasksRepeatable": ["TRUE"], "fdTasksRepeatableSchedule": ["Daily"],
        ])
        #expect(MainTask(entry: noStart).cyclicActivation(now: Date(), in: try Fixtures.paris) == .due(.neverActivated))
    }
}
