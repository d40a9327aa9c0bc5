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
        (1, 86_401, true),
        (1, 86_400, false),      // at the cutoff: kept
    ]

    @Test(arguments: ages)
    func eventsStrictlyOlderThanTheRetentionExpire(days: Int, age: Double, expired: Bool) throws {
        let retention = try AuditRetention(days: days)
        #expect(retention.isExpired(eventTime: Self.now.addingTimeInterval(-age), now: Self.now) == expired)
    }

    @Test(arguments: [1, 90])
    func futureDatedEventsAreKept(days: Int) throws {
        let retention = try AuditRetention(days: days)
        #expect(!retention.isExpired(eventTime: Self.now.addingTimeInterval(400 * 86_400), now: Self.now))
        #expect(!retention.isExpired(eventTime: Self.now.addingTimeInterval(1), now: Self.now))
    }

    @Test func negativeRetentionIsRejected() {
        #expect(throws: DomainError.self) { try AuditRetention(days: -1) }
    }

    /// PHP deleted every event of the directory with FD's default retention 0 (spec §10 #33).
    @Test func zeroRetentionIsRefusedWithAReason() {
        #expect(throws: DomainError.self) { try AuditRetention(days: 0) }
        guard case .failure(let refusal) = AuditSettings(retentionDays: 0).retentionRule() else {
            Issue.record("retention 0 was accepted")
            return
        }
        #expect(refusal.reason.contains("0 days would delete every audit event"))
    }

    @Test(arguments: [
        (["fdAuditTasksRetention": ["30 days"]], "fdAuditTasksRetention value \"30 days\" is invalid"),
        (["fdAuditTasksRetention": ["1.5"]], "fdAuditTasksRetention value \"1.5\" is invalid"),
        ([:], "fdAuditTasksRetention is missing"),
    ] as [([String: [String]], String)])
    func missingOrFractionalRetentionIsRefusedWithAReason(attributes: [String: [String]], reason: String) throws {
        let task = MainTask(entry: Fixtures.entry("cn=audit,ou=tasks,dc=example,dc=org", [
            "objectClass": ["fdTasks", "fdAuditTasks"], "cn": ["audit"], "fdTasksCreationDate": ["2026-11-02 09:14:37am"],
        ].merging(attributes) { a, _ in a }))
        guard case .audit(let settings)? = task.settings, case .failure(let refusal) = settings.retentionRule() else {
            Issue.record("retention was accepted")
            return
        }
        #expect(refusal.reason.hasPrefix(reason))
    }

    @Test func aWholePositiveRetentionGivesItsRule() throws {
        let task = MainTask(entry: Fixtures.entry("cn=audit,ou=tasks,dc=example,dc=org", [
            "objectClass": ["fdTasks", "fdAuditTasks"], "cn": ["audit"], "fdTasksCreationDate": ["2026-11-02 09:14:37am"],
            "fdAuditTasksRetention": ["30"],
        ]))
        guard case .audit(let settings)? = task.settings else { Issue.record("not an audit task"); return }
        #expect(try settings.retentionRule().get().days == 30)
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
