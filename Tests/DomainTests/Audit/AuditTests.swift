import Foundation
import Testing
@testable import Domain

@Suite("Audit retention and events")
struct AuditTests {
    static let now = Date(timeIntervalSince1970: 1_795_345_828)

    /// (retention days, event age in seconds, expired)
    static let ages: [(Int, Double, Bool)] = [
        (90, 7_862_400, true),   // 91 days
        (90, 7_776_001, true),   // 90 days + 1 s
        (90, 7_776_000, false),  // exactly 90 days is not older than 90 days
        (90, 7_689_600, false),  // 89 days
        (0, 1, true),            // 0 keeps nothing from the past
        (0, 0, false),
    ]

    @Test(arguments: ages)
    func eventsStrictlyOlderThanTheRetentionExpire(days: Int, age: Double, expired: Bool) throws {
        let retention = try AuditRetention(days: days)
        #expect(retention.isExpired(eventTime: Self.now.addingTimeInterval(-age), now: Self.now) == expired)
    }

    @Test(arguments: [0, 1, 90])
    func futureDatedEventsAreKept(days: Int) throws {
        let retention = try AuditRetention(days: days)
        #expect(!retention.isExpired(eventTime: Self.now.addingTimeInterval(400 * 86_400), now: Self.now))
        #expect(!retention.isExpired(eventTime: Self.now.addingTimeInterval(1), now: Self.now))
    }

    @Test func negativeRetentionIsRejected() {
        #expect(throws: DomainError.self) { try AuditRetention(days: -1) }
    }

    @Test func cutoffIsDaysBeforeNow() throws {
        #expect(try AuditRetention(days: 2).cutoff(now: Self.now) == Self.now.addingTimeInterval(-172_800))
    }

    @Test func auditEventIsReadFromItsEntry() throws {
        let event = AuditEvent(entry: Fixtures.entry("fdAuditDateTime=20261120090512.123456Z,ou=audit,dc=example,dc=org", [
            "objectClass": ["fdAuditEvent"], "fdAuditDateTime": ["20261120090512.123456Z"], "fdAuditAction": ["modify"],
            "fdAuditAuthorDN": ["uid=admin,ou=people,dc=example,dc=org"], "fdAuditObject": ["uid=efaure,ou=people,dc=example,dc=org"],
            "fdAuditObjectType": ["plugin/user"], "fdAuditAttributes": [#"{"mail":"emile.faure@example.org"}"#],
            "fdAuditResult": ["Success"], "fdAuditId": ["4242"],
        ]))
        #expect(event.problems == [])
        #expect(event.generalizedTime?.ldapString == "20261120090512.123456Z")
        #expect(event.time.map { Int($0.timeIntervalSince1970) } == Int(try Fixtures.instant("2026-11-20T09:05:12Z").timeIntervalSince1970))
        #expect(event.action == "modify")
        #expect(event.object == "uid=efaure,ou=people,dc=example,dc=org")
        #expect(event.objectType == "plugin/user")
        #expect(event.author == "uid=admin,ou=people,dc=example,dc=org")
        #expect(event.attributes == [#"{"mail":"emile.faure@example.org"}"#])
    }

    @Test func unreadableAuditTimeIsReportedNotFatal() {
        let event = AuditEvent(entry: Fixtures.entry("fdAuditDateTime=x,ou=audit,dc=x", [
            "fdAuditDateTime": ["2026-11-20"], "fdAuditAction": ["create"], "fdAuditObject": ["none"],
        ]))
        #expect(event.time == nil)
        #expect(event.problems.count == 1)
        #expect(event.action == "create")
    }
}
