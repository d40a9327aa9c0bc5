import Foundation
import Testing
@testable import Domain

@Suite("CalendarDate, Unix time, shadowExpire")
struct DateValueTests {
    @Test(arguments: ["20261031", "20240229", "00010101", "99991231", "19700101"])
    func supannDatesRoundTrip(text: String) throws {
        #expect(try CalendarDate(fdDate: text).fdDate == text)
    }

    @Test(arguments: ["", "2026103", "202610311", "20261032", "20260229", "20261300", "2026-10-31", "2026103a", "00000101"])
    func malformedSupannDatesAreRejected(text: String) {
        #expect(throws: DomainError.self) { try CalendarDate(fdDate: text) }
    }

    @Test(arguments: [("20792", "20261205"), ("0", "19700101"), ("-1", "19691231"), ("19723", "20240101")])
    func shadowExpireCountsDaysSinceTheEpoch(days: String, date: String) throws {
        let value = try CalendarDate(shadowExpire: days)
        #expect(value.fdDate == date)
        #expect(value.shadowExpire == days)
    }

    @Test(arguments: ["", "20792.5", "1e4", " 20792", "+20792", "99999999999", "--1", "abc"])
    func malformedShadowExpireIsRejected(text: String) {
        #expect(throws: DomainError.self) { try CalendarDate(shadowExpire: text) }
    }

    @Test func dayArithmeticCrossesMonthsAndYears() throws {
        #expect(try Fixtures.date("20261031").adding(days: 30).fdDate == "20261130")
        #expect(try Fixtures.date("20261215").adding(days: 30).fdDate == "20270114")
        #expect(try Fixtures.date("20240201").adding(days: 28).fdDate == "20240229")
        #expect(try Fixtures.date("20261031").days(until: Fixtures.date("20261130")) == 30)
    }

    @Test func startInstantIsLocalMidnight() throws {
        let midnight = try Fixtures.date("20261205").startInstant(in: Fixtures.paris)
        #expect(midnight == (try Fixtures.instant("2026-12-04T23:00:00Z")))
        #expect(CalendarDate(instant: midnight, in: try Fixtures.paris).fdDate == "20261205")
        #expect(CalendarDate(instant: midnight, in: try Fixtures.utc).fdDate == "20261204")
    }

    @Test(arguments: ["1795345828", "0", "-86400", "1796641871"])
    func unixSecondsRoundTrip(text: String) throws {
        #expect(UnixTime.format(try UnixTime.parse(text, attribute: "fdTasksConfLastExecTime")) == text)
    }

    @Test func unixFormatTruncatesFractions() {
        #expect(UnixTime.format(Date(timeIntervalSince1970: 1795345828.9)) == "1795345828")
    }

    @Test(arguments: ["", "1795345828.5", "1e9", " 1795345828", "+1", "0x10", "1795345828Z", "99999999999999999999"])
    func malformedUnixSecondsAreRejected(text: String) {
        #expect(throws: DomainError.self) { try UnixTime.parse(text, attribute: "fdTokenTimestamp") }
    }
}

@Suite("GeneralizedTime")
struct GeneralizedTimeTests {
    @Test(arguments: [
        ("20261120090512.123456Z", "2026-11-20T09:05:12Z", 123_456_000),
        ("20261120091047.5Z", "2026-11-20T09:10:47Z", 500_000_000),
        ("202609010800Z", "2026-09-01T08:00:00Z", 0),
        ("2026090108Z", "2026-09-01T08:00:00Z", 0),
        ("20260901080000Z", "2026-09-01T08:00:00Z", 0),
        ("20261120100512.25+0100", "2026-11-20T09:05:12Z", 250_000_000),
        ("20261120040512-0500", "2026-11-20T09:05:12Z", 0),
        ("202611201105+02", "2026-11-20T09:05:00Z", 0),
        ("20261120090512,75Z", "2026-11-20T09:05:12Z", 750_000_000),
        ("2026090108.5Z", "2026-09-01T08:30:00Z", 0),
        ("202609010815.5Z", "2026-09-01T08:15:30Z", 0),
        ("20261231235960Z", "2027-01-01T00:00:00Z", 0),
    ])
    func parsesEveryGeneralizedTimeShape(text: String, iso: String, nanoseconds: Int) throws {
        let value = try GeneralizedTime(parsing: text)
        #expect(value.seconds == Int(try Fixtures.instant(iso).timeIntervalSince1970))
        #expect(value.nanoseconds == nanoseconds)
    }

    @Test(arguments: [
        "20261120090512.123456Z", "20261120091047.5Z", "2026090108Z", "202609010810Z", "20260901081005Z",
        "20260901000000.000001Z", "2026112000Z",
    ])
    func fdFormRoundTripsExactly(text: String) throws {
        #expect(try GeneralizedTime(parsing: text).ldapString == text)
    }

    @Test(arguments: [
        ("202609010800Z", "2026090108Z"),
        ("20260901080000Z", "2026090108Z"),
        ("20260901081000Z", "202609010810Z"),
        ("20261120090512.120000Z", "20261120090512.12Z"),
        ("20261120100512.5+0100", "20261120090512.5Z"),
    ])
    func printsFDsCanonicalForm(text: String, canonical: String) throws {
        #expect(try GeneralizedTime(parsing: text).ldapString == canonical)
    }

    @Test func dateConversionKeepsMicroseconds() throws {
        let value = try GeneralizedTime(parsing: "20261120090512.123456Z")
        #expect(GeneralizedTime(date: value.date) == value)
        #expect(GeneralizedTime(date: value.date).ldapString == "20261120090512.123456Z")
    }

    @Test(arguments: [
        "", "20261120090512", "20261120090512.Z", "20261120090512.123456", "2026112009051Z", "20261120090561Z",
        "20261320090512Z", "20261131090512Z", "20261120240000Z", "2026112009Z0", "20261120090512+2400",
        "20261120090512+0160", "20261120090512+1", "20261120090512z", "2026-11-20T09:05:12Z", "20261120090512.123456Z ",
        "202611200960Z",
    ])
    func malformedGeneralizedTimesAreRejectedWithAReason(text: String) {
        #expect(throws: DomainError.self) { try GeneralizedTime(parsing: text) }
    }
}
