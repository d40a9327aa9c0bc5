import Application
import Foundation

/// DSA accounts the test edits; counts the state reads and can fail them or hold them.
final class FakeDSADirectory: DSADirectory, @unchecked Sendable {
    private let lock = NSLock()
    private var states: [String: DSAAccountState] = [:]
    private var failing = false
    private var reads = 0
    private var delay: Duration = .zero

    func set(_ dn: String, _ state: DSAAccountState) { lock.withLock { states[dn] = state } }
    func failReads(_ fail: Bool) { lock.withLock { failing = fail } }
    func delayReads(_ duration: Duration) { lock.withLock { delay = duration } }
    var stateReads: Int { lock.withLock { reads } }

    func accounts(named name: String) async throws -> [DSAAccount] {
        lock.withLock { states.keys.filter { $0.hasPrefix("cn=\(name),") }.map { DSAAccount(dn: $0, cn: name) } }
    }

    func verifyPassword(of account: DSAAccount, password: String) async throws -> Bool { false }

    func state(ofAccount dn: String) async throws -> DSAAccountState {
        let (wait, fail) = lock.withLock { reads += 1; return (delay, failing) }
        if wait > .zero { try await Task.sleep(for: wait) }
        if fail { throw DirectoryError.unavailable("test") }
        return lock.withLock { states[dn] ?? .missing }
    }
}

/// The values themselves as the fingerprint: readable in expectations.
struct PlainFingerprinter: PasswordFingerprinter {
    func fingerprint(of passwordValues: [[UInt8]]) -> String {
        passwordValues.map { String(decoding: $0, as: UTF8.self) }.sorted().joined(separator: "|")
    }
}
