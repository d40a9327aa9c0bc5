@testable import Bootstrap
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The text parser the metrics tests rely on: it must refuse what Prometheus would refuse.
@Suite struct PrometheusTextTests {
    @Test func wellFormedOutputIsRead() throws {
        let text = """
            # HELP runs_total Runs.
            # TYPE runs_total counter
            runs_total{operation="mail",result="ok"} 3
            runs_total{operation="a \\"quoted\\" \\\\ name"} 1 1700000000000
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.5"} 1
            latency_seconds_bucket{le="+Inf"} 2
            latency_seconds_sum 0.9
            latency_seconds_count 2

            """
        let parsed = try PrometheusText(parsing: text)
        #expect(parsed.types == ["runs_total": "counter", "latency_seconds": "histogram"])
        #expect(parsed.total("runs_total", ["operation": "mail"]) == 3)
        #expect(parsed.samples("runs_total", ["operation": #"a "quoted" \ name"#]).count == 1)
        #expect(parsed.total("latency_seconds_count") == 2)
    }

    @Test(arguments: [
        "runs_total{operation=\"mail\"} three\n",
        "runs_total{operation=\"mail\" 3\n",
        "runs_total{operation=mail} 3\n",
        "runs-total 3\n",
        "runs_total 3",
        "# TYPE runs_total counting\nruns_total 3\n",
        "runs_total 3\n# TYPE runs_total counter\n",
        "# TYPE runs_total counter\n# TYPE runs_total counter\n",
        "runs_total{a=\"1\",a=\"2\"} 3\n",
        "runs_total{a=\"\\x\"} 3\n",
        "runs_total 3 4 5\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n",
    ])
    func malformedOutputIsRefused(_ text: String) {
        #expect(throws: PrometheusText.Malformed.self) { try PrometheusText(parsing: text) }
    }
}

extension LiveServices {
    /// `GET /metrics` of the real executable (`serve` bootstraps the Prometheus backend once per
    /// process, which in-process tests cannot do): the output parses, and a run, a refused login
    /// and the requests themselves move the counters.
    @Suite struct MetricsLiveTests {
        let services = TestServices.shared

        struct Scrape {
            let status: Int
            let contentType: String?
            let text: String
        }

        static func get(_ path: String, port: Int) async throws -> Scrape {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 16 << 20)
            return Scrape(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), text: String(buffer: body))
        }

        static func metrics(port: Int) async throws -> PrometheusText {
            let scrape = try await get("/metrics", port: port)
            #expect(scrape.status == 200)
            #expect(scrape.contentType?.hasPrefix("text/plain; version=0.0.4") == true, "\(scrape.contentType ?? "no Content-Type")")
            return try PrometheusText(parsing: scrape.text)
        }

        func start(_ name: String, _ overrides: [String: String] = [:]) async throws -> ServiceProcess {
            let temporary = FileManager.default.temporaryDirectory
            var environment = try services.settingsValues(overrides.merging(["LOG_LEVEL": "warning"]) { a, _ in a })
            environment["ORCHESTRATOR_STATE_DIR"] = temporary.appendingPathComponent("\(name)-\(UUID())").path
            return try await ServiceProcess.start(
                environment: environment, port: ServiceProcess.freePort(), log: temporary.appendingPathComponent("\(name)-\(UUID()).log").path
            )
        }

        @Test(.timeLimit(.minutes(2)))
        func aRunALoginFailureAndRequestsMoveTheCounters() async throws {
            // The run sends the fixture's due mail too: the fixture is put back afterwards, as the
            // listing suites expect it.
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            _ = try await services.bulkMail(2, prefix: "metrics")
            try await runAndScrape()
        }

        func runAndScrape() async throws {
            let service = try await start("metrics")
            defer { service.kill(SIGTERM) }
            let token = try await service.token()

            let before = try await Self.metrics(port: service.port)
            let run = try await service.request(.PATCH, "/api/tasks/mail", bearer: token, timeout: .seconds(60))
            #expect(run.status == 200)
            let summary = try #require(run.body["summary"] as? [String: Int])
            let refused = try await service.request(.POST, "/api/login", json: ["username": "metrics-nobody", "password": "wrong"])
            #expect(refused.status == 401)
            let after = try await Self.metrics(port: service.port)

            func delta(_ name: String, _ labels: [String: String] = [:]) -> Double { after.total(name, labels) - before.total(name, labels) }
            #expect(after.types["orchestrator_runs_total"] == "counter")
            #expect(delta("orchestrator_runs_total", ["operation": "mail", "trigger": "http", "result": "ok"]) == 1)
            var items = 0
            for outcome in ["applied", "alreadyApplied", "notNeeded", "failed", "deferred", "skipped", "unknown"] {
                #expect(delta("orchestrator_run_items_total", ["operation": "mail", "outcome": outcome]) == Double(summary[outcome] ?? 0), "\(outcome)")
                items += summary[outcome] ?? 0
            }
            #expect(items >= 2, "the run saw \(summary)")
            #expect(delta("orchestrator_messages_sent_total", ["operation": "mail"]) == Double(summary["applied"] ?? 0))
            #expect(after.types["orchestrator_run_duration_seconds"] == "histogram")
            #expect(delta("orchestrator_run_duration_seconds_count", ["operation": "mail"]) == 1)
            #expect(delta("orchestrator_login_failures_total") == 1)

            #expect(after.types["orchestrator_http_requests_total"] == "counter")
            let logins = after.samples("orchestrator_http_requests_total", ["method": "POST", "status": "401"]).filter { $0.labels["route"]?.hasSuffix("/login") == true }
            #expect(logins.reduce(0) { $0 + $1.value } >= 1, "\(after.samples("orchestrator_http_requests_total"))")
            #expect(!after.samples("orchestrator_http_requests_total", ["method": "PATCH", "status": "200"]).isEmpty)

            #expect(after.types["orchestrator_ldap_operation_duration_seconds"] == "histogram")
            #expect(after.samples("orchestrator_ldap_operation_duration_seconds_bucket", ["operation": "search"]).count > 1)
            #expect(after.total("orchestrator_ldap_operation_duration_seconds_count", ["operation": "search"]) > 0)
            #expect(after.total("orchestrator_ldap_operation_duration_seconds_count", ["operation": "bind"]) > 0)
            #expect(after.total("orchestrator_smtp_message_duration_seconds_count") >= Double(summary["applied"] ?? 0))
        }

        @Test(.timeLimit(.minutes(1)))
        func withMetricsListenTheMetricsAreOnlyOnTheirOwnAddress() async throws {
            let metricsPort = ServiceProcess.freePort()
            let service = try await start("metrics-listen", ["METRICS_LISTEN": "127.0.0.1:\(metricsPort)"])
            defer { service.kill(SIGTERM) }
            let parsed = try await Self.metrics(port: metricsPort)
            // The start-up probes of the main listener are counted and shown on the other one.
            #expect(!parsed.samples("orchestrator_http_requests_total", ["route": "/ready"]).isEmpty, "\(parsed.samples)")
            #expect(try await Self.get("/metrics", port: service.port).status == 404)
            #expect(try await Self.get("/health", port: metricsPort).status == 404)
            #expect(try await Self.get("/health", port: service.port).status == 200)
        }

        @Test func metricsFalseServesNoMetrics() async throws {
            let app = try await Composition.makeApplication(
                settings: try services.settings(["METRICS": "FALSE"]), store: try services.embeddedStore(), logger: Logger(label: "metrics-off")
            )
            try await app.test(.router) { client in
                try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
            }
        }
    }
}
