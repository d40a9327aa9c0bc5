@testable import StateStoreAdapter
import Foundation
import Logging
import PostgresNIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension LiveServices {
    /// The built-in scheduler in real processes: two replicas on one PostgreSQL run each slot
    /// once; a leader paused (SIGSTOP) past its lease loses the operation to the other replica and,
    /// resumed, starts nothing; an embedded state directory admits one process.
    @Suite struct SchedulerLiveTests {
        let services = TestServices.shared

        @Test(.timeLimit(.minutes(4)))
        func twoReplicasRunEachSlotOnceAndAPausedLeaderStartsNothing() async throws {
            let url = try services.require("ORCH_TEST_DATABASE_URL", for: "PostgreSQL")
            // The scheduled removeSubTasks deletes the fixture's completed sub-tasks, which later
            // suites expect: put the fixture back once both replicas are gone (defers run last first).
            defer { try? services.freshFixtureAndMailbox() }
            // Slots of earlier test runs would make the first step run a missed slot at once.
            _ = try await sql(url, "DELETE FROM schedule_slots WHERE operation = 'removeSubTasks'")
            _ = try await sql(url, "DELETE FROM leader_leases WHERE name = 'removeSubTasks'")
            let began = Date()
            let environment = try services.settingsValues([
                "DATABASE_URL": url, "SCHEDULE_REMOVESUBTASKS": "* * * * *", "SCHEDULER_LEASE_SECONDS": "3", "LOG_LEVEL": "info",
            ])
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-\(UUID()).log").path
            let a = try await ServiceProcess.start(environment: environment, port: ServiceProcess.freePort(), log: log + ".a")
            defer { a.kill(SIGTERM) }
            let b = try await ServiceProcess.start(environment: environment, port: ServiceProcess.freePort(), log: log + ".b")
            defer { b.kill(SIGTERM) }

            // One of them leads within a lease.
            var leader: ServiceProcess?
            let deadline = ContinuousClock.now + .seconds(15)
            while leader == nil, ContinuousClock.now < deadline {
                for replica in [a, b] where try await leads(replica) { leader = replica }
                if leader == nil { try await Task.sleep(for: .milliseconds(200)) }
            }
            let first = try #require(leader, "no replica leads; see \(log).a and .b")
            let second = first.pid == a.pid ? b : a
            #expect(try await leads(second) == false)

            // The first slot runs on the leader.
            let slot1 = nextMinute(after: Date())
            try await sleep(until: slot1.addingTimeInterval(5))
            var slots = try await recordedSlots(url)
            #expect(slots.map(\.slot) == [slot1], "\(slots)")
            #expect(slots.first?.owner.contains(":\(first.pid):") == true, "\(slots)")

            // The leader is paused across the next slot, far past its 3 s lease: the other replica
            // takes over and runs that slot.
            let slot2 = slot1.addingTimeInterval(60)
            _ = Glibc.kill(first.pid, SIGSTOP)
            try await sleep(until: slot2.addingTimeInterval(5))
            #expect(try await leads(second))
            _ = Glibc.kill(first.pid, SIGCONT)
            // Resumed with that slot long due, the old leader starts nothing.
            try await Task.sleep(for: .seconds(5))
            #expect(try await leads(first) == false)
            slots = try await recordedSlots(url)
            #expect(slots.map(\.slot) == [slot1, slot2], "\(slots)")
            #expect(slots.last?.owner.contains(":\(second.pid):") == true, "\(slots)")

            // Both slots ran exactly once, as scheduled runs in the shared history.
            let token = try await second.token()
            let runs = try await second.request(.GET, "/api/runs?operation=removeSubTasks&limit=50", bearer: token)
            let scheduled = (runs.body["runs"] as? [[String: Any]] ?? []).filter {
                $0["trigger"] as? String == "schedule" && (($0["startedAt"] as? String).flatMap(parse) ?? .distantPast) >= began
            }
            #expect(scheduled.count == 2, "\(runs.body)")
        }

        @Test(.timeLimit(.minutes(1)))
        func aSecondProcessOnOneEmbeddedStateDirectoryIsRefused() async throws {
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("one-process-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: state) }
            var environment = try services.settingsValues(["LOG_LEVEL": "warning"])
            environment["ORCHESTRATOR_STATE_DIR"] = state
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("one-process-\(UUID()).log").path
            let running = try await ServiceProcess.start(environment: environment, port: ServiceProcess.freePort(), log: log)
            defer { running.kill(SIGTERM) }

            let config = log + ".second.conf"
            try environment.merging(["ORCHESTRATOR_LISTEN": "127.0.0.1:\(ServiceProcess.freePort())"]) { $1 }
                .map { "\($0.key)=\"\(ServiceProcess.dotenvEscaped($0.value))\"\n" }.joined()
                .write(toFile: config, atomically: true, encoding: .utf8)
            let output = log + ".second"
            let pid = try ServiceProcess.spawn(
                ServiceProcess.executable, ["serve", "--config", config], environment: ["PATH=/usr/bin:/bin"],
                open: [(1, output, O_WRONLY | O_CREAT | O_TRUNC)], duplicate: [(1, 2)]
            )
            let status = try await exitStatus(of: pid, within: .seconds(20))
            #expect(status == 73)
            let said = try String(contentsOfFile: output, encoding: .utf8)
            #expect(said.contains("another fusiondirectory-orchestrator process uses the state directory \(state)"), "\(said)")
            // The first one still serves; once it is gone, a new process may take the directory.
            #expect(try await running.request(.GET, "/ready", timeout: .seconds(5)).status == 200)
            running.kill(SIGTERM)
            let next = try await ServiceProcess.start(environment: environment, port: ServiceProcess.freePort(), log: log + ".next")
            next.kill(SIGTERM)
        }

        private func leads(_ replica: ServiceProcess) async throws -> Bool {
            let ready = try await replica.request(.GET, "/ready", timeout: .seconds(5))
            let scheduler = ready.body["scheduler"] as? [[String: Any]] ?? []
            return scheduler.first { $0["operation"] as? String == "removeSubTasks" }?["leader"] as? Bool ?? false
        }

        private func nextMinute(after date: Date) -> Date {
            Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        }

        private func sleep(until date: Date) async throws {
            let left = date.timeIntervalSinceNow
            if left > 0 { try await Task.sleep(for: .seconds(left)) }
        }

        private func parse(_ text: String) -> Date? {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
        }

        private func exitStatus(of pid: pid_t, within limit: Duration) async throws -> Int32 {
            let deadline = ContinuousClock.now + limit
            var status: Int32 = 0
            while ContinuousClock.now < deadline {
                if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xff }
                try await Task.sleep(for: .milliseconds(50))
            }
            _ = Glibc.kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            throw MissingService(description: "the second process did not exit within \(limit)")
        }

        private func recordedSlots(_ url: String) async throws -> [(slot: Date, owner: String)] {
            try await sql(url, "SELECT slot, owner FROM schedule_slots WHERE operation = 'removeSubTasks' ORDER BY slot").map {
                try $0.decode((Date, String).self)
            }.map { (slot: $0.0, owner: $0.1) }
        }

        private func sql(_ url: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
            let database = try PostgresDatabase(url: url, logger: Logger(label: "scheduler-test"))
            return try await withThrowingTaskGroup(of: Void.self, returning: [PostgresRow].self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                try await database.migrate()
                return try await database.client.query(query).collect()
            }
        }
    }
}
