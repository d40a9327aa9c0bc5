import ArchiveAdapter
@testable import Application
@testable import Bootstrap
@testable import LDAPAdapter
import StateStoreAdapter
import Domain
import Foundation
import HummingbirdTesting
import Logging
import Testing

/// A clock that stands still, so a run's cutoff is known to the microsecond.
final class FrozenClock: WallClock, Sendable {
    let instant: Date
    init(_ instant: Date) { self.instant = instant }
    func now() -> Date { instant }
}

extension LiveServices {
    /// Audit retention and removeSubTasks against the real slapd.
    @Suite struct AuditLiveTests {
        let services = TestServices.shared
        static let day: TimeInterval = 86_400
        static let retentionTask = "cn=audit-retention,ou=tasks,dc=example,dc=org"
        /// Demo data: U1 due, U2 not due (2099), U3 completed, U4 failed.
        static let dueSubTask = "cn=audit-retention-SubTask-1793607304_9101,ou=tasks,dc=example,dc=org"
        static let orphanSubTask = "cn=deleted-task-SubTask-1793607304_9903,ou=tasks,dc=example,dc=org"
        static let laterSubTask = "cn=audit-retention-SubTask-1793607304_9102,ou=tasks,dc=example,dc=org"
        /// A whole second plus a quarter: exact in binary, and a fraction in every cutoff.
        static let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) + 0.25)
        static var cutoff30: Date { now.addingTimeInterval(-30 * day) }

        /// The demo directory without its audit events, so each test knows every event there is.
        func fresh() async throws -> LDAPClient {
            try services.freshFixtureAndMailbox()
            let ldap = try services.ldap()
            for dn in try await eventDNs(ldap) { try await ldap.delete(dn) }
            return ldap
        }

        func eventDNs(_ ldap: LDAPClient) async throws -> Set<String> {
            Set(try await ldap.search(base: "dc=example,dc=org", filter: .objectClass("fdAuditEvent"), attributes: ["1.1"]).map(\.dn))
        }

        /// Adds an event at `time` in FD's form (its DN is `fdAuditDateTime=<form>,ou=audit,…`); returns the DN.
        @discardableResult
        func event(_ ldap: LDAPClient, at time: Date, id: Int = 1) async throws -> String {
            let stamp = GeneralizedTime(date: time).ldapString
            let dn = "fdAuditDateTime=\(stamp)+fdAuditId=\(id),ou=audit,dc=example,dc=org"
            try await ldap.add(dn, attributes: [
                ("objectClass", ["fdAuditEvent"]), ("fdAuditDateTime", [stamp]), ("fdAuditAction", ["modify"]),
                ("fdAuditAuthorDN", ["uid=hroux,ou=people,dc=example,dc=org"]), ("fdAuditObject", ["uid=efaure,ou=people,dc=example,dc=org"]),
                ("fdAuditObjectType", ["plugin/user"]), ("fdAuditAttributes", [#"{"mail":"e\/faure@example.org"}"#]), ("fdAuditResult", ["Success"]),
                ("fdAuditId", [String(id)]),
            ])
            return dn
        }

        /// The service's use cases on an open embedded store (closed after `body`), at a frozen instant.
        func withUseCases<T: Sendable>(
            _ overrides: [String: String] = [:], clock: any WallClock = FrozenClock(AuditLiveTests.now), _ body: (UseCases, any RunHistory) async throws -> T
        ) async throws -> T {
            try await withStore { store in
                let useCases = try await Composition.useCases(settings: try services.settings(overrides), store: store, clock: clock, logger: Logger(label: "audit"))
                return try await body(useCases, store.history)
            }
        }

        func withStore<T: Sendable>(_ body: (EmbeddedStateStore) async throws -> T) async throws -> T {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-store-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let store = EmbeddedStateStore(database: SQLiteDatabase(directory: directory, logger: Logger(label: "audit-store")), logger: Logger(label: "audit-store"))
            try await store.migrate()
            do {
                let result = try await body(store)
                try await store.database.close()
                return result
            } catch {
                try? await store.database.close()
                throw error
            }
        }

        func utc(_ components: DateComponents) -> Date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar.date(from: components)!
        }

        func floored(_ date: Date, to units: Set<Calendar.Component>) -> Date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar.date(from: calendar.dateComponents(units, from: date))!
        }

        @Test(.timeLimit(.minutes(2)))
        func onlyEventsBeforeTheCutoffGoInEveryFDTimeFormAndFutureOnesStay() async throws {
            let ldap = try await fresh()
            defer { try? services.freshFixtureAndMailbox() }
            let cutoff = Self.cutoff30
            // FD's three forms (spec §3.1): a fraction, whole minutes (seconds cut), whole hours (minutes cut).
            let beforeByAMicrosecond = try await event(ldap, at: cutoff.addingTimeInterval(-0.000_001))
            var minute = floored(cutoff.addingTimeInterval(-2 * Self.day), to: [.year, .month, .day, .hour, .minute])
            if Calendar(identifier: .gregorian).component(.minute, from: minute) == 0 { minute.addTimeInterval(-60) }
            let oldMinutes = try await event(ldap, at: minute)
            let oldHour = try await event(ldap, at: floored(cutoff.addingTimeInterval(-3 * Self.day), to: [.year, .month, .day, .hour]))
            let atCutoff = try await event(ldap, at: cutoff)
            let afterByAMicrosecond = try await event(ldap, at: cutoff.addingTimeInterval(0.000_001))
            let youngHour = try await event(ldap, at: floored(cutoff.addingTimeInterval(2 * 3_600), to: [.year, .month, .day, .hour]))
            let future = try await event(ldap, at: Self.now.addingTimeInterval(400 * Self.day))
            #expect(oldMinutes.hasPrefix("fdAuditDateTime=") && oldMinutes.split(separator: "+")[0].count == "fdAuditDateTime=YYYYMMDDHHMMZ".count)
            #expect(oldHour.split(separator: "+")[0].count == "fdAuditDateTime=YYYYMMDDHHZ".count)
            #expect(beforeByAMicrosecond.contains(".249999Z"))

            let (preview, report, stored) = try await withUseCases { useCases, history in
                let preview = try await useCases.runs(.kind(.audit), mode: .dryRun(asOf: nil), trigger: .http)
                #expect(try await eventDNs(ldap).count == 7)
                let report = try await useCases.runs(.kind(.audit), trigger: .http)
                return (preview, report, try await history.run(id: report.runID))
            }
            let forecast = try #require(preview.retention?.first)
            #expect(forecast.wouldDelete == 3)
            #expect(forecast.keptNewer == 4)
            #expect(forecast.oldest == GeneralizedTime(date: floored(cutoff.addingTimeInterval(-3 * Self.day), to: [.year, .month, .day, .hour])).date)

            #expect(try await eventDNs(ldap) == [atCutoff, afterByAMicrosecond, youngHour, future])
            let pass = try #require(report.retention?.first)
            #expect(pass.cutoff == cutoff)
            #expect(pass.deleted == 3 && pass.failed == 0 && pass.keptNewer == 4 && pass.finished, "\(pass)")
            // The demo's audit sub-task of a deleted main task fails alone.
            #expect(report.items.map(\.subTask) == [Self.orphanSubTask, Self.dueSubTask])
            #expect(report.items.map(\.outcome) == [.failed, .applied])
            #expect(try await services.status(of: Self.orphanSubTask)?.contains("not found") == true)
            #expect(try await services.status(of: Self.dueSubTask) == "2")
            #expect(try await services.status(of: Self.laterSubTask) == "1")
            #expect(stored?.retention == report.retention)
        }

        @Test(.timeLimit(.minutes(2)))
        func retentionZeroFailsItsSubTaskAndDeletesNothing() async throws {
            let ldap = try await fresh()
            defer { try? services.freshFixtureAndMailbox() }
            try await ldap.modify(Self.retentionTask, [.replace("fdAuditTasksRetention", ["0"])])
            let ancient = try await event(ldap, at: Self.now.addingTimeInterval(-4_000 * Self.day))
            let recent = try await event(ldap, at: Self.now.addingTimeInterval(-60))

            let report = try await withUseCases { useCases, _ in try await useCases.runs(.kind(.audit), trigger: .http) }

            #expect(try await eventDNs(ldap) == [ancient, recent])
            #expect(report.items.first { $0.subTask == Self.dueSubTask }?.outcome == .failed)
            #expect(try await services.status(of: Self.dueSubTask)?.contains("a retention of 0 days would delete every audit event") == true)
        }

        @Test(.timeLimit(.minutes(2)))
        func twoSubTasksWithDifferentRetentionsInOneRun() async throws {
            let ldap = try await fresh()
            defer { try? services.freshFixtureAndMailbox() }
            let quarter = "cn=audit-quarter,ou=tasks,dc=example,dc=org"
            try await ldap.add(quarter, attributes: [
                ("objectClass", ["fdTasks", "fdAuditTasks"]), ("cn", ["audit-quarter"]), ("fdTasksStatus", ["1"]),
                ("fdTasksCreationDate", ["2026-10-01 09:00:00am"]), ("fdTasksScheduleDate", ["20261001010000"]), ("fdTasksRepeatable", ["FALSE"]),
                ("fdAuditTasksRetention", ["90"]),
            ])
            let quarterSubTask = "cn=audit-quarter-SubTask-1,ou=tasks,dc=example,dc=org"
            try await ldap.add(quarterSubTask, attributes: [
                ("objectClass", ["fdTasksGranular"]), ("cn", ["audit-quarter-SubTask-1"]), ("fdTasksGranularMaster", [quarter]),
                ("fdTasksGranularType", ["Audit"]), ("fdTasksGranularSchedule", ["20261001010000"]), ("fdTasksGranularStatus", ["1"]),
                ("fdTasksGranularDN", ["auditRetentionTask"]),
            ])
            try await event(ldap, at: Self.now.addingTimeInterval(-100 * Self.day))
            try await event(ldap, at: Self.now.addingTimeInterval(-60 * Self.day))
            let young = try await event(ldap, at: Self.now.addingTimeInterval(-10 * Self.day))

            let report = try await withUseCases { useCases, _ in try await useCases.runs(.kind(.audit), trigger: .http) }

            #expect(report.retention?.map(\.retentionDays) == [90, 30])
            #expect(report.retention?.map(\.deleted) == [1, 1])
            #expect(try await eventDNs(ldap) == [young])
            #expect(try await services.status(of: quarterSubTask) == "2")
            #expect(try await services.status(of: Self.dueSubTask) == "2")
        }

        @Test(.timeLimit(.minutes(3)))
        func slapdStoppedMidPassIsReportedAndTheNextRunFinishesTheJob() async throws {
            let ldap = try await fresh()
            defer { try? services.runServices("start-ldap"); try? services.freshFixtureAndMailbox() }
            for id in 1...1_200 { try await event(ldap, at: Self.now.addingTimeInterval(-40 * Self.day), id: id) }
            let young = try await event(ldap, at: Self.now.addingTimeInterval(-Self.day))
            let settings = try services.settings()
            let client = Composition.ldapClient(settings)
            let services = services
            try await withStore { store in
                let audit = AuditRetentionRun(.init(
                    directory: LDAPTaskDirectory(client: client, base: settings.ldap.base),
                    events: StoppingAfterFirstPage(inner: LDAPAuditEvents(client: client, base: settings.ldap.base)) { try services.runServices("stop-ldap") },
                    statuses: try LDAPTaskUpdates(client: client, base: settings.ldap.base), archive: nil, history: store.history,
                    clock: FrozenClock(Self.now), ids: SequentialRunIDs()
                ))

                let first = try await audit.run(mode: .apply, trigger: .http)

                let pass = try #require(first.retention?.first)
                #expect(!pass.finished)
                #expect(pass.deleted >= 500 && pass.deleted < 1_200, "\(pass)")
                let item = try #require(first.items.first { $0.subTask == Self.dueSubTask })
                #expect(item.outcome == .deferred)
                #expect(item.detail?.contains("a later run goes on") == true, "\(item)")
                #expect(try await store.history.run(id: first.runID) != nil)

                try services.runServices("start-ldap")
                #expect(try await services.status(of: Self.dueSubTask) == "1")
                let second = try await audit.run(mode: .apply, trigger: .http)
                #expect(second.retention?.first?.deleted == 1_200 - pass.deleted)
                #expect(second.retention?.first?.finished == true)
                #expect(try await eventDNs(ldap) == [young])
                #expect(try await services.status(of: Self.dueSubTask) == "2")
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func archiveLinesEqualTheDeletedEntries() async throws {
            let ldap = try await fresh()
            defer { try? services.freshFixtureAndMailbox() }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-archive-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var old: [String] = []
            for id in 1...3 { old.append(try await event(ldap, at: Self.now.addingTimeInterval(-31 * Self.day - Double(id)), id: id)) }
            try await event(ldap, at: Self.now.addingTimeInterval(-Self.day))
            var expected: [FileAuditArchive.Line] = []
            for dn in old { expected.append(FileAuditArchive.Line(try #require(try await ldap.read(dn)))) }

            let report = try await withUseCases(["AUDIT_ARCHIVE_DIR": directory]) { useCases, _ in try await useCases.runs(.kind(.audit), trigger: .http) }

            #expect(report.retention?.first?.archived == 3)
            let file = URL(fileURLWithPath: directory).appendingPathComponent(FileAuditArchive.fileName(for: Self.now))
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            let archived = try lines.map { try JSONDecoder().decode(FileAuditArchive.Line.self, from: Data($0.utf8)) }
            #expect(Set(archived.map(\.dn)) == Set(old))
            #expect(archived.sorted { $0.dn < $1.dn } == expected.sorted { $0.dn < $1.dn })
            #expect(try await eventDNs(ldap).isDisjoint(with: old))
        }

        @Test(.timeLimit(.minutes(2)))
        func auditOverHTTPAnswersItsPassesAndTheContractDescribesThem() async throws {
            let ldap = try await fresh()
            defer { try? services.freshFixtureAndMailbox() }
            try await event(ldap, at: Self.now.addingTimeInterval(-31 * Self.day))
            let app = try await Composition.makeApplication(
                settings: try services.settings(), store: services.embeddedStore(), clock: FrozenClock(Self.now), logger: Logger(label: "audit-http")
            )
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let dry = try await client.json(.patch, "/api/tasks/audit?dryRun=true", bearer: token)
                #expect(dry.status == .ok)
                let forecast = (dry.body["retention"] as? [[String: any Sendable]])?.first
                #expect(forecast?["wouldDelete"] as? Double == 1)
                let done = try await client.json(.patch, "/api/tasks/audit", bearer: token)
                #expect(done.status == .ok)
                let pass = (done.body["retention"] as? [[String: any Sendable]])?.first
                #expect(pass?["deleted"] as? Double == 1)
                #expect(pass?["cutoff"] as? String == RunJSONDate.format(Self.cutoff30))
            }
        }

        @Test(.timeLimit(.minutes(2)))
        func removeSubTasksRemovesExactlyTheCompletedSubTasksOfAMixedDirectory() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let ldap = try services.ldap()
            let before = try await ldap.search(
                base: "dc=example,dc=org", filter: .objectClass("fdTasksGranular"), attributes: ["fdTasksGranularStatus", "fdTasksGranularMaster"]
            )
            let completed = before.filter { $0.strings("fdTasksGranularStatus") == ["2"] }
            #expect(completed.count >= 2)
            #expect(before.count > completed.count)
            let app = try await Composition.makeApplication(settings: try services.settings(), store: services.embeddedStore(), logger: Logger(label: "remove"))
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let dry = try await client.json(.patch, "/api/tasks/removeSubTasks?dryRun=true", bearer: token)
                #expect(dry.status == .ok)
                #expect(Set(((dry.body["items"] as? [[String: any Sendable]]) ?? []).compactMap { $0["subtask"] as? String }) == Set(completed.map(\.dn)))
                #expect(try await ldap.search(base: "dc=example,dc=org", filter: .objectClass("fdTasksGranular"), attributes: ["1.1"]).count == before.count)

                let report = try await client.json(.patch, "/api/tasks/removeSubTasks", bearer: token)
                #expect(report.status == .ok)
                let removals = (report.body["removals"] as? [[String: any Sendable]]) ?? []
                var expected: [String: Double] = [:]
                for entry in completed { expected[entry.string("fdTasksGranularMaster") ?? "", default: 0] += 1 }
                #expect(Dictionary(uniqueKeysWithValues: removals.map { ($0["mainTask"] as? String ?? "", $0["removed"] as? Double ?? -1) }) == expected)
            }
            let after = try await ldap.search(base: "dc=example,dc=org", filter: .objectClass("fdTasksGranular"), attributes: ["fdTasksGranularStatus"])
            #expect(Set(after.map(\.dn)) == Set(before.filter { $0.strings("fdTasksGranularStatus") != ["2"] }.map(\.dn)))
        }
    }
}

/// The real audit events, with an action (stopping slapd) once the first page's deletes of the
/// first pass are done; later passes run undisturbed.
struct StoppingAfterFirstPage: AuditEvents {
    let inner: LDAPAuditEvents
    let action: @Sendable () throws -> Void
    private let pages = PageCount()

    init(inner: LDAPAuditEvents, action: @escaping @Sendable () throws -> Void) {
        self.inner = inner
        self.action = action
    }

    func forEachPage(
        before cutoff: Date, reading content: AuditEventContent,
        _ body: @escaping @Sendable ([DirectoryEntry], any BulkDeleter) async throws -> Void
    ) async throws {
        let (pages, action) = (pages, action)
        try await inner.forEachPage(before: cutoff, reading: content) { entries, deleter in
            try await body(entries, deleter)
            if await pages.next() == 1 { try action() }
        }
    }

    func count(notBefore cutoff: Date) async throws -> Int {
        try await inner.count(notBefore: cutoff)
    }
}

private actor PageCount {
    var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

/// Run ids for a use case built by hand.
struct SequentialRunIDs: TokenCrypto {
    func newRefreshToken() -> String { UUID().uuidString }
    func newIdentifier() -> String { UUID().uuidString.lowercased() }
    func storageHash(of refreshToken: String) -> String { refreshToken }
}

/// The report's date form (RunJSON's), for comparing.
enum RunJSONDate {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
