@testable import Bootstrap
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension LiveServices {
    /// Issue 9: slow and silent clients cannot hold the server's connections for ever, and
    /// oversized headers get a JSON answer.
    @Suite struct SlowClientTests {
        let services = TestServices.shared
        let health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"

        func withLiveService(_ limits: [String: String], _ test: @Sendable (Int) async throws -> Void) async throws {
            let settings = try services.settings(limits)
            let app = try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), logger: Logger(label: "slow-clients"))
            try await app.test(.live) { client in try await test(try #require(client.port)) }
        }

        @Test(.timeLimit(.minutes(1)))
        func aClientTricklingItsHeadersIsClosedAtTheHeaderTimeout() async throws {
            try await withLiveService(["HTTP_HEADER_TIMEOUT_SECONDS": "1", "HTTP_IDLE_TIMEOUT_SECONDS": "30"]) { port in
                let connection = try RawConnection(port: port)
                let started = ContinuousClock.now
                #expect(connection.send("GET /health HTTP/1.1\r\nHost: x\r\n"))
                var closed = false
                while !closed, ContinuousClock.now - started < .seconds(6) {
                    let (bytes, ended) = connection.receive(within: .milliseconds(250))
                    #expect(bytes.isEmpty, "a head that never ends gets no answer")
                    closed = ended || !connection.send("X")
                }
                let elapsed = ContinuousClock.now - started
                #expect(closed)
                #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(3), "closed after \(elapsed)")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func aKeptAliveConnectionOutlivesTheHeaderTimeoutAndIsClosedAtTheIdleTimeout() async throws {
            try await withLiveService(["HTTP_HEADER_TIMEOUT_SECONDS": "1", "HTTP_IDLE_TIMEOUT_SECONDS": "3"]) { port in
                let connection = try RawConnection(port: port)
                connection.send(health)
                #expect(connection.receive(until: #""status":"ok""#, within: .seconds(5)).hasPrefix("HTTP/1.1 200"))
                // Idle longer than the header timeout: that timeout counts from a request's first byte.
                try await Task.sleep(for: .milliseconds(1500))
                connection.send(health)
                #expect(connection.receive(until: #""status":"ok""#, within: .seconds(5)).hasPrefix("HTTP/1.1 200"))
                let idleSince = ContinuousClock.now
                let (text, closed) = connection.receiveUntilClosed(within: .seconds(8))
                let idle = ContinuousClock.now - idleSince
                #expect(closed && text.isEmpty)
                #expect(idle >= .milliseconds(2500) && idle < .seconds(6), "closed after \(idle) idle")
            }
        }

        /// The real executable: HummingbirdTesting's live server drops the connection limit
        /// (its `ApplicationConfiguration.with(address:)` does not copy the delegate).
        @Test(.timeLimit(.minutes(1)))
        func silentConnectionsBeyondTheLimitDelayHealthOnlyUntilTheHeaderTimeoutFreesThem() async throws {
            let name = "slow-clients-\(UUID())"
            let temporary = FileManager.default.temporaryDirectory
            let port = ServiceProcess.freePort()
            let service = try await ServiceProcess.start(environment: try services.settingsValues([
                "ORCHESTRATOR_STATE_DIR": temporary.appendingPathComponent(name).path,
                "HTTP_HEADER_TIMEOUT_SECONDS": "1", "HTTP_IDLE_TIMEOUT_SECONDS": "1", "HTTP_MAX_CONNECTIONS": "3",
            ]), port: port, log: temporary.appendingPathComponent(name + ".log").path)
            defer { service.kill(SIGTERM) }
            // The start-up probe's kept-alive connection goes at the idle timeout.
            try await Task.sleep(for: .milliseconds(1500))

            let silent = try (0..<20).map { _ in try RawConnection(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let probe = try RawConnection(port: port)
            probe.send(health)
            let answer = probe.receive(until: #""status":"ok""#, within: .seconds(20))
            let waited = ContinuousClock.now - started
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            // Queued behind the silent ones (the limit holds), yet answered once their time was up.
            #expect(waited >= .milliseconds(800) && waited < .seconds(15), "answered after \(waited)")
            for connection in silent { #expect(connection.receiveUntilClosed(within: .seconds(5)).closed) }
        }

        @Test(.timeLimit(.minutes(1)))
        func oversizedHeadersGetAJSON400AndTheConnectionCloses() async throws {
            try await withLiveService([:]) { port in
                let connection = try RawConnection(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: \(String(repeating: "a", count: 100_000))\r\n\r\n")
                let (text, closed) = connection.receiveUntilClosed(within: .seconds(10))
                #expect(closed)
                let parts = text.components(separatedBy: "\r\n\r\n")
                let head = parts[0].lowercased()
                #expect(head.hasPrefix("http/1.1 400"), "\(text)")
                #expect(head.contains("content-type: application/json; charset=utf-8"))
                let body = try JSONSerialization.jsonObject(with: Data((parts.count > 1 ? parts[1] : "").utf8)) as? [String: Any]
                let error = body?["error"] as? [String: Any]
                #expect(error?["code"] as? String == "http.headers_too_large")
                #expect(error?["message"] as? String == "request headers too large")
            }
        }
    }
}
