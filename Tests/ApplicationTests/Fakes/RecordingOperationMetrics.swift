import Application
import Domain
import Foundation

/// Keeps every call of the metrics port, for assertions.
final class RecordingOperationMetrics: OperationMetrics, @unchecked Sendable {
    struct Run: Equatable {
        let operation: String
        let trigger: RunReport.Trigger
        let ok: Bool
        let summary: RunReport.Summary?
        let sendsMessages: Bool
    }

    private let lock = NSLock()
    private var storedRuns: [Run] = []
    private var storedLoginFailures = 0
    private var storedReuses = 0
    private var storedLeadership: [String: Bool] = [:]

    var runs: [Run] { lock.withLock { storedRuns } }
    var loginFailures: Int { lock.withLock { storedLoginFailures } }
    var reuseDetections: Int { lock.withLock { storedReuses } }
    var leadership: [String: Bool] { lock.withLock { storedLeadership } }

    func runCompleted(_ report: RunReport, sendsMessages: Bool, duration: Duration) {
        let run = Run(operation: report.operation, trigger: report.trigger, ok: true, summary: report.summary, sendsMessages: sendsMessages)
        lock.withLock { storedRuns.append(run) }
    }

    func runFailed(_ operation: RunOperation, trigger: RunReport.Trigger, duration: Duration) {
        lock.withLock { storedRuns.append(Run(operation: operation.name, trigger: trigger, ok: false, summary: nil, sendsMessages: false)) }
    }

    func loginFailed() { lock.withLock { storedLoginFailures += 1 } }
    func refreshReuseDetected() { lock.withLock { storedReuses += 1 } }
    func schedulerLeadership(_ operation: RunOperation, leads: Bool) { lock.withLock { storedLeadership[operation.name] = leads } }
}

/// A token store whose every rotation finds the token already used.
struct ReusedTokenStore: TokenStore {
    func startFamily(familyID: String, subject: String, tokenHash: String, accountFingerprint: String?, expiresAt: Date, now: Date) async throws {}
    func rotate(presentedHash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RotationOutcome {
        .reuseDetected(familyID: "family-1", subject: "cn=orchestrator,ou=dsa,dc=example,dc=org")
    }
    func revokeFamily(ofToken tokenHash: String, now: Date) async throws -> FamilyRevocation { .unknownToken }
    func familyStartedAt(familyID: String) async throws -> Date? { nil }
    func familyAccountFingerprint(familyID: String) async throws -> String? { nil }
    func revokeFamilies(subject: String, now: Date) async throws -> [String] { [] }
    func revokedFamilies(since: Date) async throws -> [RevokedFamily] { [] }
    func purgeExpired(now: Date) async throws -> Int { 0 }
}

/// Never asked in these tests: a login that fails and a refresh that is refused mint no token.
struct UnusedTokenCodec: AccessTokenCodec {
    func issue(_ claims: AccessTokenClaims) async throws -> String { "unused" }
    func verify(_ token: String, now: Date) async throws(AccessTokenRejection) -> AccessTokenClaims { throw .malformed }
}

struct SilentSecurityEventLog: SecurityEventLog {
    func record(_ event: SecurityEvent, context: SecurityContext) {}
}
