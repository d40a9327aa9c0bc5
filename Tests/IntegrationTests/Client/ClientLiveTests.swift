@testable import StateStoreAdapter
import Foundation
import Logging
import Testing

extension LiveServices {
    /// The built client against the real service (slapd, the SMTP sink, the FD stand-in), the way
    /// cron runs it: statuses, output, and the session it leaves behind.
    @Suite struct ClientLiveTests {
        let services = TestServices.shared

        /// A service on a free port whose configuration file is a PHP orchestrator.conf: the
        /// service's keys plus the PHP client's ORCHESTRATOR_API_URL, DSA_LOGIN and DSA_PASS.
        struct Stand {
            let service: ServiceProcess
            let config: String
            let state: String
            let log: String

            var port: Int { service.port }

            /// A client configuration file in the PHP format, with `overrides` (for a wrong password…).
            func clientConfig(_ overrides: [String: String]) throws -> String {
                try ClientLiveTests.clientConfig(url: "http://127.0.0.1:\(port)/orchestrator", overrides.merging(["DSA_PASS": "orchestrator-pass"]) { old, _ in old })
            }

            func stop() {
                service.kill(SIGTERM)
                try? FileManager.default.removeItem(atPath: state)
            }
        }

        func stand(_ overrides: [String: String] = [:]) async throws -> Stand {
            try services.freshFixtureAndMailbox()
            try services.setSinkMode("accept")
            try services.clearFD()
            let name = "client-\(UUID())"
            let state = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(name + ".log").path
            let port = ServiceProcess.freePort()
            var environment = try services.settingsValues([
                "FUSION_DIRECTORY_API_URL": try services.fdURL, "WEB_LOGIN": try services.fdLogin, "WEB_PASS": try services.fdPassword,
                "ORCHESTRATOR_STATE_DIR": state, "LOG_LEVEL": "info",
                "ORCHESTRATOR_API_URL": "http://127.0.0.1:\(port)/orchestrator", "DSA_LOGIN": "orchestrator", "DSA_PASS": "orchestrator-pass",
            ])
            for (key, value) in overrides { environment[key] = value }
            let service = try await ServiceProcess.start(environment: environment, port: port, log: log)
            return Stand(service: service, config: log + ".conf", state: state, log: log)
        }

        /// A PHP-format client file (double-quoted values) in the temporary directory.
        static func clientConfig(url: String, _ values: [String: String] = [:]) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID()).conf").path
            let all = ["ORCHESTRATOR_API_URL": url, "DSA_LOGIN": "orchestrator", "DSA_PASS": "x"].merging(values) { $1 }
            try all.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(ServiceProcess.dotenvEscaped($0.value))\"\n" }.joined()
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func cleanUp() {
            try? services.setSinkMode("accept")
            try? services.freshFixtureAndMailbox()
        }

        /// FusionDirectory's documented cron line, unchanged, on the PHP orchestrator.conf: the
        /// fixture's refused recipient makes the first run exit 1, the next one (nothing failing) 0.
        @Test func thePHPCronLineSendsTheMailAndItsStatusSaysWhetherAnItemFailed() async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            let first = try await ClientProcess.run(["--emails", "--config", stand.config])
            #expect(first.status == 1, "\(first.stderr)")
            #expect(first.stderr.contains("mail: due 4 · done 2 · failed 1 · unknown 0"), "\(first.stderr)")
            #expect(first.stderr.contains("failed  cn=") && first.stderr.contains("reject550-tlegrand@example.org"), "\(first.stderr)")
            #expect(try SMTPSink(services: services).messages(to: "emile.faure@example.org").count == 1)

            let second = try await ClientProcess.run(["--emails", "--config", stand.config])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.hasPrefix("mail: "), "\(second.stderr)")
            #expect(try SMTPSink(services: services).messages(to: "emile.faure@example.org").count == 1)
        }

        /// Every flag reaches its operation, in the documented order, one JSON document each; the
        /// status is 1 exactly when a report has failed or unknown items.
        @Test func eachFlagTriggersItsOperationWithOneJSONDocumentEach() async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            let result = try await ClientProcess.run(
                ["--config", stand.config, "--json", "--reminder", "--notifications", "--lifecycle", "--activate", "--tasks", "--emails"]
            )
            let documents = result.documents
            #expect(result.documentCount == 6, "\(result.stdout)")
            #expect(documents.count == 5, "the task list is an array, the five reports objects: \(result.stdout)")
            #expect(documents.map { $0["operation"] as? String ?? "" } == ["activateCyclicTasks", "mail", "lifeCycle", "notifications", "reminder"])
            let failing = documents.contains { document in
                let summary = document["summary"] as? [String: Int] ?? [:]
                return (summary["failed"] ?? 0) + (summary["unknown"] ?? 0) > 0
            }
            #expect(failing, "the fixture's mail run has a refused recipient")
            #expect(result.status == 1, "\(result.stderr)")
            let firstLine = try #require(result.stdout.split(separator: "\n").first)
            let tasks = try #require(try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [[String: Any]])
            #expect(!tasks.isEmpty)

            let ids = documents.compactMap { $0["runId"] as? String }
            #expect(ids.count == 5)
            let history = try await ClientProcess.run(["runs", "--config", stand.config, "--json", "--limit", "20"])
            #expect(history.status == 0, "\(history.stderr)")
            let listed = (history.documents.first?["runs"] as? [[String: Any]] ?? []).compactMap { $0["runId"] as? String }
            #expect(Set(ids).isSubset(of: Set(listed)), "\(history.stdout)")
            let mailRun = try #require(documents.first { $0["operation"] as? String == "mail" }?["runId"] as? String)
            let shown = try await ClientProcess.run(["runs", "show", mailRun, "--config", stand.config])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains("1. ") && shown.stdout.contains("reject550-tlegrand@example.org"), "\(shown.stdout)")
        }

        /// --audit and --remove run their operation; the exit status follows the report.
        @Test(arguments: [("--audit", "audit"), ("--remove", "removeSubTasks")])
        func maintenanceFlagsRunTheirOperation(_ flag: String, _ operation: String) async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            let result = try await ClientProcess.run(["--config", stand.config, "--json", flag])
            let document = try #require(result.documents.first, "\(result.stdout) \(result.stderr)")
            #expect(document["error"] == nil, "\(result.stdout)")
            #expect(document["operation"] as? String == operation)
            let summary = document["summary"] as? [String: Int] ?? [:]
            #expect(result.status == ((summary["failed"] ?? 0) + (summary["unknown"] ?? 0) > 0 ? 1 : 0), "\(result.stderr)")
        }

        @Test func aWrongPasswordExitsThreeAndSaysTheLoginWasRefused() async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            let config = try stand.clientConfig(["DSA_PASS": "not-the-password"])
            let result = try await ClientProcess.run(["--emails", "--json", "--config", config])
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stderr.contains("the server refused the login of orchestrator"), "\(result.stderr)")
            let error = try #require(result.documents.first?["error"] as? [String: Any])
            #expect(result.documents.first?["exitStatus"] as? Int == 3)
            #expect(error["message"] as? String != nil)
            #expect(try SMTPSink(services: services).all().isEmpty, "nothing ran")
        }

        @Test func aServerThatIsDownExitsFour() async throws {
            let config = try Self.clientConfig(url: "http://127.0.0.1:\(ServiceProcess.freePort())")
            defer { try? FileManager.default.removeItem(atPath: config) }
            let result = try await ClientProcess.run(["--emails", "--lifecycle", "--config", config, "--timeout", "5"], within: .seconds(30))
            #expect(result.status == 4, "\(result.stderr)")
            #expect(result.stderr.contains("mail: "), "\(result.stderr)")
            #expect(result.stderr.contains("lifeCycle: "), "\(result.stderr)")
            #expect(result.elapsed < .seconds(10))
        }

        @Test func aServerThatNeverAnswersExitsFourAfterTheTimeout() async throws {
            let listener = try SilentListener()  // accepts, never answers
            let config = try Self.clientConfig(url: "http://127.0.0.1:\(listener.port)/orchestrator")
            defer { try? FileManager.default.removeItem(atPath: config) }
            let result = try await ClientProcess.run(["--emails", "--config", config, "--timeout", "1"], within: .seconds(30))
            #expect(result.status == 4, "\(result.stderr)")
            #expect(result.stderr.contains("no answer within 1 s"), "\(result.stderr)")
            #expect(result.elapsed >= .seconds(1) && result.elapsed < .seconds(10), "\(result.elapsed)")
            withExtendedLifetime(listener) {}
        }

        @Test(arguments: ["--archive", "--extractor", "--automatic-groups", "--no-such-flag"])
        func aFlagThisServiceDoesNotRunExitsTwoBeforeLoggingIn(_ flag: String) async throws {
            let result = try await ClientProcess.run(["--emails", flag, "--config", "/dev/null"], within: .seconds(30))
            #expect(result.status == 2, "\(result.stderr)")
            if flag == "--no-such-flag" {
                #expect(result.stderr.contains("--no-such-flag"), "\(result.stderr)")
            } else {
                #expect(result.stderr.contains("\(flag): the ") && result.stderr.contains("is not run by this orchestrator"), "\(result.stderr)")
            }
        }

        /// One login, one logout: after the run, every refresh family of the service is revoked,
        /// and the log file got one JSON line per operation.
        @Test func theClientLogsOutAndLeavesNoRefreshFamilyBehind() async throws {
            let stand = try await stand()
            defer { try? FileManager.default.removeItem(atPath: stand.state); cleanUp() }
            let logFile = stand.log + ".client.jsonl"
            let result = try await ClientProcess.run(["--config", stand.config, "--tasks", "--activate", "--log", logFile])
            #expect(result.status == 1, "the fixture's task with a broken schedule fails: \(result.stderr)")
            stand.service.kill(SIGTERM)
            let database = SQLiteDatabase(directory: stand.state, logger: Logger(label: "client-test"))
            try await database.open()
            let families = try await database.query("SELECT family_id, revoked_at FROM token_families")
            try await database.close()
            #expect(families.count == 1, "one login for the whole invocation")
            #expect(families.allSatisfy { $0.column("revoked_at")?.integer != nil }, "a refresh family was left behind")
            let serviceLog = try String(contentsOfFile: stand.log, encoding: .utf8)
            #expect(serviceLog.components(separatedBy: "\"event\":\"logout\"").count - 1 == 1, "\(serviceLog.suffix(2000))")

            let lines = try String(contentsOfFile: logFile, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(entries.map { $0["operation"] as? String ?? "" } == ["tasks", "activateCyclicTasks"])
            #expect(entries.map { $0["status"] as? Int } == [0, 1])
            #expect(entries.allSatisfy { $0["time"] is String })
            #expect((entries.last?["summary"] as? [String: Int])?["failed"] == 1)
            #expect(entries.last?["runId"] is String)
        }

        /// An unknown outcome (the relay took the data, then the connection died) exits 1; `settle`
        /// with the item's number from `runs show` settles it.
        @Test func anUnknownItemIsSettledByNumber() async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            try services.setSinkMode("drop-after-data")
            let run = try await ClientProcess.run(["run", "mail", "--config", stand.config, "--json", "--timeout", "60"])
            #expect(run.status == 1, "\(run.stderr)")
            let report = try #require(run.documents.first)
            let id = try #require(report["runId"] as? String)
            let items = report["items"] as? [[String: Any]] ?? []
            let number = try #require(items.firstIndex { $0["outcome"] as? String == "unknown" }.map { $0 + 1 }, "\(run.stdout)")
            try services.setSinkMode("accept")
            let settled = try await ClientProcess.run(["settle", id, String(number), "--as", "sent", "--config", stand.config, "--json"])
            #expect(settled.status == 0, "\(settled.stderr)")
            #expect(settled.documents.first?["state"] as? String != nil, "\(settled.stdout)")
            let again = try await ClientProcess.run(["settle", id, String(number), "--as", "sent", "--config", stand.config])
            #expect(again.status == 2, "an item settled already cannot be settled again: \(again.stderr)")
        }

        /// The fixture's mail to reject550-… fails for good; `redrive` schedules it again, and a
        /// second `redrive` is refused because it is no longer failed.
        @Test func aFailedSubTaskIsReDriven() async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            let run = try await ClientProcess.run(["run", "mail", "--config", stand.config, "--json", "--timeout", "60"])
            #expect(run.status == 1, "\(run.stderr)")
            let items = run.documents.first?["items"] as? [[String: Any]] ?? []
            let failed = try #require(items.first { $0["outcome"] as? String == "failed" }?["subtask"] as? String, "\(run.stdout)")
            let redriven = try await ClientProcess.run(["redrive", "mail", failed, "--config", stand.config, "--json"])
            #expect(redriven.status == 0, "\(redriven.stderr)")
            #expect(redriven.documents.first?["status"] as? String == "1", "\(redriven.stdout)")
            #expect(try await services.status(of: failed) == "1")
            let again = try await ClientProcess.run(["redrive", "mail", failed, "--config", stand.config])
            #expect(again.status == 2, "a scheduled sub-task cannot be re-driven: \(again.stderr)")
            let wrong = try await ClientProcess.run(["redrive", "activateCyclicTasks", failed, "--config", stand.config])
            #expect(wrong.status == 2 && wrong.stderr.contains("not an operation with sub-tasks"), "\(wrong.stderr)")
        }

        @Test func aDryRunChangesNothingAndSaysSo() async throws {
            let stand = try await stand()
            defer { stand.stop(); cleanUp() }
            let result = try await ClientProcess.run(["run", "MAIL", "--dry-run", "--config", stand.config])
            #expect(result.stderr.hasPrefix("mail: dry-run · due 4"), "\(result.stderr)")
            // A dry-run cannot know that the relay will refuse a recipient: nothing would fail.
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("would apply"), "\(result.stderr)")
            #expect(try SMTPSink(services: services).all().isEmpty)
            let tasks = try await ClientProcess.run(["tasks", "mail", "--config", stand.config])
            #expect(tasks.status == 0, "\(tasks.stderr)")
            #expect(tasks.stdout.contains("scheduled"), "\(tasks.stdout)")
        }
        /// Against an HTTPS server (the FD stand-in's TLS port, which is no orchestrator): an
        /// unknown CA is a TLS failure (4); with `--cacert` or `--insecure` the exchange happens and
        /// the 404 without the orchestrator's error body says the URL is wrong (2).
        @Test func theServerCertificateIsVerifiedUnlessACAFileOrInsecureSaysOtherwise() async throws {
            defer { try? services.clearFD() }
            // The newer PHP client's key names, this time.
            let config = try Self.clientConfig(url: try services.fdTLSURL, ["ORCHESTRATOR_LOGIN": "orchestrator", "ORCHESTRATOR_PASSWORD": "x"])
            defer { try? FileManager.default.removeItem(atPath: config) }
            let unknownCA = try await ClientProcess.run(["--tasks", "--config", config, "--timeout", "10"], within: .seconds(30))
            #expect(unknownCA.status == 4, "\(unknownCA.stderr)")
            #expect(unknownCA.stderr.contains("TLS"), "\(unknownCA.stderr)")
            let trusted = try await ClientProcess.run(["--tasks", "--config", config, "--cacert", try services.fdCA, "--timeout", "10"], within: .seconds(30))
            #expect(trusted.status == 2, "\(trusted.stderr)")
            #expect(trusted.stderr.contains("is ORCHESTRATOR_API_URL the orchestrator's address?"), "\(trusted.stderr)")
            #expect(!trusted.stderr.contains("WARNING"))
            let insecure = try await ClientProcess.run(["--tasks", "--config", config, "--insecure", "--timeout", "10"], within: .seconds(30))
            #expect(insecure.status == 2, "\(insecure.stderr)")
            #expect(insecure.stderr.contains("WARNING: --insecure"), "\(insecure.stderr)")
        }
    }
}
