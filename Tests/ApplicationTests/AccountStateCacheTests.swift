import Application
import Foundation
import Testing

/// How an access token's DSA is re-checked: at most `bound` old, one read for concurrent
/// requests, a directory blip bridged for one more bound and no longer.
@Suite struct AccountStateCacheTests {
    let dn = "cn=ops,ou=dsa,dc=example,dc=org"
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    func cache(_ directory: FakeDSADirectory, bound: TimeInterval = 30) -> AccountStateCache {
        AccountStateCache(directory: directory, fingerprinter: PlainFingerprinter(), bound: bound)
    }

    @Test func theStateIsReadAgainOnlyOnceTheBoundHasPassed() async throws {
        let directory = FakeDSADirectory()
        directory.set(dn, .active(passwordValues: [Array("{SSHA}old".utf8)]))
        let accounts = cache(directory)
        #expect(try await accounts.status(of: dn, now: start) == .active(fingerprint: "{SSHA}old"))
        directory.set(dn, .locked)
        #expect(try await accounts.status(of: dn, now: start + 29) == .active(fingerprint: "{SSHA}old"))
        #expect(directory.stateReads == 1)
        #expect(try await accounts.status(of: dn, now: start + 30) == .locked)
        #expect(directory.stateReads == 2)
    }

    @Test func aBoundOfZeroReadsOnEveryRequest() async throws {
        let directory = FakeDSADirectory()
        directory.set(dn, .active(passwordValues: []))
        let accounts = cache(directory, bound: 0)
        for _ in 0..<3 { _ = try await accounts.status(of: dn, now: start) }
        #expect(directory.stateReads == 3)
        directory.failReads(true)
        await #expect(throws: DirectoryError.unavailable("test")) { try await accounts.status(of: dn, now: start) }
    }

    @Test func aFailedReadKeepsTheLastStateForOneMoreBoundThenFails() async throws {
        let directory = FakeDSADirectory()
        directory.set(dn, .active(passwordValues: [Array("pw".utf8)]))
        let accounts = cache(directory)
        _ = try await accounts.status(of: dn, now: start)
        directory.failReads(true)
        #expect(try await accounts.status(of: dn, now: start + 45) == .active(fingerprint: "pw"))
        await #expect(throws: DirectoryError.unavailable("test")) { try await accounts.status(of: dn, now: start + 60) }
        // Nothing known at all: the failure is the caller's at once.
        await #expect(throws: DirectoryError.unavailable("test")) { try await accounts.status(of: "cn=new,ou=dsa", now: start) }
    }

    @Test func freshReadsWhateverIsCachedAndFeedsTheCache() async throws {
        let directory = FakeDSADirectory()
        directory.set(dn, .active(passwordValues: [Array("a".utf8)]))
        let accounts = cache(directory)
        _ = try await accounts.status(of: dn, now: start)
        directory.set(dn, .missing)
        #expect(try await accounts.fresh(dn, now: start + 1) == .missing)
        #expect(try await accounts.status(of: dn, now: start + 2) == .missing)
        #expect(directory.stateReads == 2)
    }

    @Test func concurrentRequestsOfOneDSAShareOneRead() async throws {
        let directory = FakeDSADirectory()
        directory.set(dn, .active(passwordValues: []))
        directory.delayReads(.milliseconds(200))
        let accounts = cache(directory)
        let now = start
        try await withThrowingTaskGroup(of: AccountStatus.self) { group in
            for _ in 0..<20 { group.addTask { try await accounts.status(of: self.dn, now: now) } }
            for try await status in group { #expect(status == .active(fingerprint: "")) }
        }
        #expect(directory.stateReads == 1)
    }

    @Test func fingerprintsAreComparedByTheirShortIDWhichOrderDoesNotChange() {
        let fingerprinter = PlainFingerprinter()
        #expect(fingerprinter.fingerprint(of: [Array("b".utf8), Array("a".utf8)]) == fingerprinter.fingerprint(of: [Array("a".utf8), Array("b".utf8)]))
        #expect(AccountStatus.fingerprintID(String(repeating: "ab", count: 32)) == String(repeating: "ab", count: 8))
    }
}
