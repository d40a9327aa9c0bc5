import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// What the use cases tell the metrics port: runs by outcome, refused logins, reused refresh tokens.
@Suite struct OperationMetricsTests {
    @Test func aRunReportsItsItemsByOutcomeAndADryRunReportsNothing() async throws {
        let h = MailHarness()
        let metrics = RecordingOperationMetrics()
        await h.directory.addTemplate()
        _ = await h.directory.addMailSubTask("a", recipients: ["x@example.org", "y@example.org"])
        _ = await h.directory.addMailSubTask("b", recipients: ["z@example.org"])
        await h.transport.answer(.fail(.deferred("451 4.3.0 try later")), for: "z@example.org")
        let runs = RunTasks(engine: h.engine(), kinds: [h.mail], metrics: metrics)

        _ = try await runs(.kind(.mail), mode: .dryRun(asOf: nil), trigger: .http)
        #expect(metrics.runs.isEmpty, "a dry-run changes nothing and is not counted")

        let report = try await runs(.kind(.mail), trigger: .cli)
        let run = try #require(metrics.runs.first)
        #expect(metrics.runs.count == 1)
        #expect(run.operation == "mail" && run.trigger == .cli && run.ok && run.sendsMessages)
        #expect(run.summary == report.summary)
        #expect(run.summary?.applied == 2 && run.summary?.deferred == 1)
    }

    @Test func aRunThatFailsIsCountedAsAnError() async throws {
        let h = MailHarness()
        let metrics = RecordingOperationMetrics()
        await h.directory.setFailReads(true)
        let runs = RunTasks(engine: h.engine(), kinds: [h.mail], metrics: metrics)
        await #expect(throws: ServiceError.self) { try await runs(.kind(.mail), trigger: .schedule) }
        #expect(metrics.runs == [.init(operation: "mail", trigger: .schedule, ok: false, summary: nil, sendsMessages: false)])
    }

    @Test func aRefusedLoginIsCounted() async throws {
        let metrics = RecordingOperationMetrics()
        let directory = FakeDSADirectory()
        directory.set("cn=orchestrator,ou=dsa,dc=example,dc=org", .active(passwordValues: [Array("secret".utf8)]))
        let login = LogIn(auth(directory: directory, metrics: metrics))
        await #expect(throws: ServiceError.self) {
            try await login(username: "orchestrator", password: "wrong", context: SecurityContext(requestID: "r", clientIP: "192.0.2.1"))
        }
        await #expect(throws: ServiceError.self) {
            try await login(username: "nobody", password: "wrong", context: SecurityContext(requestID: "r", clientIP: "192.0.2.1"))
        }
        #expect(metrics.loginFailures == 2)
        #expect(metrics.reuseDetections == 0)
    }

    @Test func aReusedRefreshTokenIsCounted() async throws {
        let metrics = RecordingOperationMetrics()
        let refresh = RefreshSession(auth(directory: FakeDSADirectory(), metrics: metrics))
        await #expect(throws: ServiceError.self) {
            try await refresh(refreshToken: String(repeating: "a", count: 43), context: SecurityContext(requestID: "r", clientIP: "192.0.2.1"))
        }
        #expect(metrics.reuseDetections == 1)
        #expect(metrics.loginFailures == 0)
    }

    private func auth(directory: FakeDSADirectory, metrics: RecordingOperationMetrics) -> AuthDependencies {
        let store = ReusedTokenStore()
        return AuthDependencies(
            directory: directory, store: store, codec: UnusedTokenCodec(), crypto: SequentialIDs(), fingerprinter: PlainFingerprinter(),
            clock: TestClock(), log: SilentSecurityEventLog(), throttle: LoginThrottle(), revocations: RevocationCache(store: store, retention: 400),
            policy: AuthPolicy(), metrics: metrics
        )
    }
}
