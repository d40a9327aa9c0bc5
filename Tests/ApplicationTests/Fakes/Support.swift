import Application
import Domain
import Foundation
import InMemoryAdapter

/// A clock the test moves by hand.
final class TestClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = start
    }

    func now() -> Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

/// Identifiers `run-1`, `run-2`, …; readable hashes.
final class SequentialIDs: TokenCrypto, @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func newRefreshToken() -> String { newIdentifier() }

    func newIdentifier() -> String {
        lock.withLock {
            next += 1
            return "run-\(next)"
        }
    }

    /// Reversed, so the distinguishing end of a long input survives a prefix.
    func storageHash(of refreshToken: String) -> String { String(refreshToken.reversed()) }
}

/// A shutdown the test triggers.
final class TestShutdown: ShutdownSignal, @unchecked Sendable {
    private let lock = NSLock()
    private var stopping = false
    var isShuttingDown: Bool { lock.withLock { stopping } }
    func stop() { lock.withLock { stopping = true } }
}

/// One engine with the mail kind over fakes; every part reachable for assertions.
struct MailHarness {
    let directory = FakeDirectory()
    let transport = FakeMailTransport()
    let journal = InMemoryWorkJournal()
    let history = InMemoryRunHistory()
    let clock = TestClock()
    let shutdown = TestShutdown()
    let ids = SequentialIDs()

    func engine(lease: TimeInterval = 600, batchSize: Int = 50, journal: (any WorkJournal)? = nil) -> RunEngine {
        RunEngine(.init(
            directory: directory, statuses: directory, remover: directory, journal: journal ?? self.journal, history: history, clock: clock, ids: ids,
            shutdown: shutdown, lease: lease, batchSize: batchSize
        ))
    }

    var mail: MailRun {
        MailRun(.init(templates: directory, transport: transport, stamp: directory, crypto: ids, clock: clock))
    }

    func run(_ mode: RunMode = .apply, lease: TimeInterval = 600, batchSize: Int = 50, journal: (any WorkJournal)? = nil) async throws -> RunReport {
        try await engine(lease: lease, batchSize: batchSize, journal: journal).run(mail, mode: mode, trigger: .http)
    }

    func outcome(_ report: RunReport, _ dn: String, _ target: String?) -> RunReport.Outcome? {
        report.items.first { $0.subTask == dn && $0.target == target }?.outcome
    }
}
