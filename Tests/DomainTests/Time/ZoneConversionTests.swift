import Foundation
import Testing
@testable import Domain

@Suite("Wall clock ↔ instant")
struct ZoneConversionTests {
    /// Europe/Paris 2026: clocks go 02:00 CET → 03:00 CEST on 03-29 (01:00Z) and
    /// 03:00 CEST → 02:00 CET on 10-25 (01:00Z).
    @Test(arguments: [
        ("20260329015959", "2026-03-29T00:59:59Z"),
        ("20260329020000", "2026-03-29T01:00:00Z"), // gap start → 03:00 CEST
        ("20260329023000", "2026-03-29T01:30:00Z"), // in the gap → 03:30 CEST, after the gap
        ("20260329025959", "2026-03-29T01:59:59Z"),
        ("20260329030000", "2026-03-29T01:00:00Z"),
        ("20260329120000", "2026-03-29T10:00:00Z"),
        ("20261025015959", "2026-10-24T23:59:59Z"),
        ("20261025020000", "2026-10-25T00:00:00Z"), // overlap: first occurrence (CEST)
        ("20261025023000", "2026-10-25T00:30:00Z"),
        ("20261025025959", "2026-10-25T00:59:59Z"),
        ("20261025030000", "2026-10-25T02:00:00Z"),
        ("20261102100000", "2026-11-02T09:00:00Z"),
        ("20260715100000", "2026-07-15T08:00:00Z"),
    ])
    func parisWallClockResolvesWithTheDocumentedDSTRules(schedule: String, expected: String) throws {
        let local = try LocalDateTime(fdSchedule: schedule)
        #expect(local.instant(in: try Fixtures.paris) == (try Fixtures.instant(expected)))
    }

    @Test(arguments: [
        ("2026-03-29T01:30:00Z", "20260329033000"),
        ("2026-10-25T00:30:00Z", "20261025023000"),
        ("2026-10-25T01:30:00Z", "20261025023000"), // second occurrence reads the same wall time
        ("2026-11-02T09:00:00Z", "20261102100000"),
    ])
    func instantsReadBackAsParisWallClock(iso: String, schedule: String) throws {
        #expect(LocalDateTime(instant: try Fixtures.instant(iso), in: try Fixtures.paris).fdSchedule == schedule)
    }

    @Test func utcIsTheIdentity() throws {
        let utc = try Fixtures.utc
        for text in ["20260329023000", "20261025023000", "19700101000000", "00010101000000", "99991231235959"] {
            let local = try LocalDateTime(fdSchedule: text)
            let instant = local.instant(in: utc)
            #expect(LocalDateTime(instant: instant, in: utc) == local)
        }
        #expect(try LocalDateTime(fdSchedule: "19700101000000").instant(in: utc) == Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham", "UTC"])
    func everyInstantOfTheYearRoundTripsToItsOwnWallTime(identifier: String) throws {
        let zone = try Fixtures.zone(identifier)
        let start = try Fixtures.instant("2026-01-01T00:00:00Z").timeIntervalSince1970
        // Every 15 minutes through 2026: reading the wall time back gives an instant with the
        // same wall time, never later than the original (earlier only inside an overlap).
        for step in stride(from: 0.0, to: 365 * 86_400, by: 900) {
            let instant = Date(timeIntervalSince1970: start + step)
            let local = LocalDateTime(instant: instant, in: zone)
            let back = local.instant(in: zone)
            #expect(back <= instant)
            #expect(instant.timeIntervalSince(back) <= 3_600)
            #expect(LocalDateTime(instant: back, in: zone) == local)
        }
    }

    @Test func fractionalAndExtremeInstantsNeverTrap() throws {
        let utc = try Fixtures.utc
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: 59.9), in: utc).fdSchedule == "19700101000059")
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: -0.5), in: utc).fdSchedule == "19691231235959")
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: 1e14), in: utc).year == 9999)
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: -1e14), in: utc).year == 1)
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: .infinity), in: utc).year == 9999)
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: -.infinity), in: utc).year == 1)
        #expect(LocalDateTime(instant: Date(timeIntervalSince1970: .nan), in: utc).year == 1)
    }
}

@Suite("DirectoryTimeZone")
struct DirectoryTimeZoneTests {
    @Test func knownIANAZoneIsUsed() throws {
        let zone = try DirectoryTimeZone(fdTimezone: "Europe/Paris")
        #expect(zone.zone.identifier == "Europe/Paris")
        #expect(zone.note == nil)
    }

    @Test(arguments: [nil, ""] as [String?])
    func missingZoneFallsBackToUTCWithANote(value: String?) throws {
        let zone = try DirectoryTimeZone(fdTimezone: value)
        #expect(zone.zone.secondsFromGMT(for: Date()) == 0)
        #expect(zone.note?.contains("UTC") == true)
    }

    @Test(arguments: ["Nowhere/Land", "europe/paris", "Europe/Paris ", "Paris", "../../etc/passwd", "Europe/Paris\n"])
    func unknownZoneIsAnError(value: String) {
        #expect(throws: DomainError.unknownTimeZone(identifier: value)) { try DirectoryTimeZone(fdTimezone: value) }
    }
}
