import Foundation
import Testing
@testable import Domain

@Suite("Reminder window and token lifetime")
struct ReminderWindowTests {
    @Test(arguments: [
        ("20261201", 30, true),   // expiry in 9 days
        ("20261123", 30, true),   // tomorrow
        ("20261122", 30, false),  // today: not in the future
        ("20261121", 30, false),  // past
        ("20261222", 30, true),   // exactly 30 days
        ("20261223", 30, false),  // 31 days
        ("20261207", 15, true),
        ("20261208", 15, false),
    ])
    func supannEndDateWithinTheCallIsReminded(end: String, days: Int, remind: Bool) throws {
        let now = try Fixtures.instant("2026-11-22T11:10:00Z")
        #expect(ReminderWindow.shouldRemind(expiry: try Fixtures.date(end), days: days, now: now, in: try Fixtures.paris) == remind)
    }

    @Test func calendarDayIsTakenInTheDirectoryZone() throws {
        // 23:30Z on 11-21 is already 11-22 in Paris: an end date of 11-22 is "today" there.
        let now = try Fixtures.instant("2026-11-21T23:30:00Z")
        let end = try Fixtures.date("20261122")
        #expect(!ReminderWindow.shouldRemind(expiry: end, days: 30, now: now, in: try Fixtures.paris))
        #expect(ReminderWindow.shouldRemind(expiry: end, days: 30, now: now, in: try Fixtures.utc))
    }

    @Test(arguments: [
        ("2026-11-22T12:00:00Z", "2026-12-05T00:00:00Z", 15, true),
        ("2026-11-22T12:00:00Z", "2026-12-23T00:00:00Z", 30, true),   // 30.5 days → 30 whole days
        ("2026-11-22T12:00:00Z", "2026-12-24T00:00:00Z", 30, false),  // 31.5 days
        ("2026-11-22T12:00:00Z", "2026-11-22T11:00:00Z", 30, false),  // past
        ("2026-11-22T12:00:00Z", "2026-11-22T12:00:00Z", 30, false),  // now is not future
        ("2026-11-22T12:00:00Z", "2026-11-22T18:00:00Z", 0, true),    // 0 whole days left
    ])
    func instantExpiryUsesWholeDaysInTheFuture(now: String, expiry: String, days: Int, remind: Bool) throws {
        #expect(ReminderWindow.shouldRemind(expiry: try Fixtures.instant(expiry), days: days, now: try Fixtures.instant(now), in: try Fixtures.utc) == remind)
    }

    @Test func wholeDaysAcrossDSTCountWallClockDays() throws {
        // 2026-10-24 12:00 CEST → 2026-10-31 12:00 CET is 7 wall days but 7 d + 1 h elapsed.
        let paris = try Fixtures.paris
        let now = try LocalDateTime(fdSchedule: "20261024120000").instant(in: paris)
        let expiry = try LocalDateTime(fdSchedule: "20261031120000").instant(in: paris)
        #expect(ReminderWindow.shouldRemind(expiry: expiry, days: 7, now: now, in: paris))
    }

    @Test func shadowExpireIsLocalMidnightOfItsDay() throws {
        let expiry = try CalendarDate(shadowExpire: "20792") // 2026-12-05
        let now = try Fixtures.instant("2026-11-20T12:00:00Z")
        #expect(ReminderWindow.shouldRemind(shadowExpire: expiry, days: 15, now: now, in: try Fixtures.paris))
        #expect(!ReminderWindow.shouldRemind(shadowExpire: expiry, days: 13, now: now, in: try Fixtures.paris))
    }

    @Test(arguments: [
        (30, 30 as Int?, 15 as Int?, 15),  // first call lives until the second
        (15, 30, 15, 15),                  // second call lives until expiry
        (30, 30, nil, 30),                 // no second call (PHP crashed): until expiry
        (30, 30, 30, 30),                  // second not before first: until expiry
        (30, 30, 0, 30),
        (30, nil, nil, 30),
        (0, 0, nil, 1),                    // never born expired
    ])
    func tokenLifetimeFollowsTheCalls(call: Int, first: Int?, second: Int?, lifetime: Int) {
        #expect(ReminderTokenLifetime.days(callDays: call, firstCallDays: first, secondCallDays: second) == lifetime)
    }
}

@Suite("Supann expiry lookup")
struct SupannExpiryTests {
    static let states = ["{COMPTE}A:SupannActif", "{MAIL}A"]
    static let dates = ["{MAIL}A:::", "{COMPTE}A:SupannActif:20250901:20261031"]

    @Test func monitoredStateGivesItsEndDate() throws {
        let result = SupannExpiry.lookUp(monitored: try Fixtures.state("{COMPTE}A:SupannActif"), resourceStates: Self.states, resourceStateDates: Self.dates)
        #expect(result == .endsOn(try Fixtures.date("20261031")))
    }

    @Test(arguments: ["{COMPTE}A", "{COMPTE}I:SupannExpire", "{COMPTE}A:Supann", "{WIFI}A"])
    func monitoredStringMustBeExactlyAUserState(monitored: String) throws {
        let result = SupannExpiry.lookUp(monitored: try Fixtures.state(monitored), resourceStates: Self.states, resourceStateDates: Self.dates)
        #expect(result == .notInMonitoredState)
    }

    @Test func missingEndDateIsAReasonNotACrash() throws {
        let mail = SupannExpiry.lookUp(monitored: try Fixtures.state("{MAIL}A"), resourceStates: Self.states, resourceStateDates: Self.dates)
        guard case let .unknownEnd(reason) = mail else {
            Issue.record("expected unknownEnd, got \(mail)")
            return
        }
        #expect(reason.contains("no end date"))
        let stale = SupannExpiry.lookUp(monitored: try Fixtures.state("{COMPTE}A:SupannActif"), resourceStates: Self.states, resourceStateDates: ["{MAIL}A:::"])
        #expect(stale == .unknownEnd(reason: "no supannRessourceEtatDate value for {COMPTE}A:SupannActif"))
    }
}
