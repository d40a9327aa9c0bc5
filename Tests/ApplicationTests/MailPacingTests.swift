@testable import Application
import Domain
import Foundation
import InMemoryAdapter
import Synchronization
import Testing

/// Outbound pacing and the relay's push-back: a configured rate spaces messages, a 421/451 burst
/// slows the run down without burning attempts, and refused credentials stop the run at once.
@Suite struct MailPacingTests {
    /// Records the waits the pacer asks for instead of sleeping.
    final class Waits: Sendable {
        private let recorded = Mutex<[Duration]>([])
        var all: [Duration] { recorded.withLock { $0 } }
        func add(_ duration: Duration) { recorded.withLock { $0.append(duration) } }
    }

    @Test func aRateSpacesMessagesAndCallersLeaveInTurn() async {
        let waits = Waits()
        let pacer = MailPacer(ratePerMinute: 120, sleep: { waits.add($0) })
        for _ in 0..<3 { await pacer.admit() }
        // 0.5 s apart: the first goes at once, the next two wait for their slots.
        #expect(waits.all.count == 2)
        #expect(waits.all.allSatisfy { $0 > .milliseconds(300) && $0 <= .milliseconds(1_000) })
        #expect(await pacer.currentSpacing == 0.5)
    }

    @Test func withoutARateNothingWaitsUntilTheRelayPushesBack() async {
        let waits = Waits()
        let pacer = MailPacer(sleep: { waits.add($0) })
        await pacer.admit()
        #expect(waits.all.isEmpty)
        // A 451 is the recipient's problem, however often, and for up to four recipients in a row.
        for _ in 0..<3 { #expect(await pacer.pushedBack(recipient: "grey@example.org", code: 451) == false) }
        for index in 1..<4 { #expect(await pacer.pushedBack(recipient: "grey\(index)@example.org", code: 451) == false) }
        #expect(await pacer.currentSpacing == 0)
        // The fifth different recipient refused in a row: the relay is throttling.
        #expect(await pacer.pushedBack(recipient: "other@example.org", code: 451) == true)
        #expect(await pacer.currentSpacing == 1)
        // A 421 is the relay's own push-back, at once.
        await pacer.accepted()
        #expect(await pacer.pushedBack(recipient: "grey@example.org", code: 421) == true)
        #expect(await pacer.currentSpacing == 1)
        #expect(await pacer.pushedBack(recipient: "grey@example.org", code: 421) == true)
        #expect(await pacer.currentSpacing == 2)
        for index in 0..<10 { _ = await pacer.pushedBack(recipient: "r\(index)@example.org", code: 421) }
        #expect(await pacer.currentSpacing == MailPacer.ceiling)
        await pacer.accepted()
        #expect(await pacer.currentSpacing == 15)
        for _ in 0..<10 { await pacer.accepted() }
        #expect(await pacer.currentSpacing == 0)
    }

    /// One run of `count` sub-tasks, each to a recipient the relay refuses with `reply`.
    private func runRefused(_ count: Int, replying reply: String, _ h: MailHarness, _ pacer: MailPacer) async throws -> (RunReport, [String]) {
        let mail = MailRun(.init(templates: h.directory, transport: h.transport, stamp: h.directory, crypto: h.ids, clock: h.clock, pacer: pacer))
        await h.directory.addTemplate()
        var dns: [String] = []
        for index in 0..<count {
            dns.append(await h.directory.addMailSubTask("s\(index)", recipients: ["r\(index)@example.org"]))
            await h.transport.answer(.fail(.deferred(reply)), for: "r\(index)@example.org")
        }
        return (try await h.engine().run(mail, mode: .apply, trigger: .http), dns)
    }

    @Test func aThrottlingRelaySlowsTheRunAndBurnsNoAttempts() async throws {
        let h = MailHarness()
        let pacer = MailPacer(sleep: { _ in })
        let (report, dns) = try await runRefused(4, replying: "421 4.7.0 too many messages, slow down", h, pacer)
        #expect(report.summary.deferred == 4)
        #expect(report.items.compactMap(\.detail).allSatisfy { $0.hasPrefix("the relay is pushing back (421 4.7.0") })
        #expect(await pacer.currentSpacing == 8)
        let attempts = try await h.journal.records(forSubTasks: dns, operation: .kind(.mail)).map(\.attempts)
        #expect(attempts == [0, 0, 0, 0])
        for dn in dns { #expect(await h.directory.status(of: dn) == "1") }
    }

    @Test func aRelayThatKeepsPushingBackAtTheSlowestPaceStopsTheRun() async throws {
        let h = MailHarness()
        let pacer = MailPacer(sleep: { _ in })
        let (report, dns) = try await runRefused(15, replying: "451 4.3.2 system not accepting messages", h, pacer)
        // Four 451s are the recipients' own; from the fifth the relay is throttling: 1, 2, 4, 8,
        // 16, then 30 s apart, and the refusal at the ceiling stops the run.
        #expect(await h.transport.attempts.count == 10)
        #expect(report.summary.deferred == 10 && report.summary.skipped == 5)
        let attempts = try await h.journal.records(forSubTasks: dns, operation: .kind(.mail)).map(\.attempts)
        #expect(attempts.filter { $0 == 1 }.count == 4)
        #expect(report.items.filter { $0.outcome == .skipped }.allSatisfy { $0.detail?.hasPrefix("run stopped: the relay keeps pushing back") == true })
    }

    @Test func refusedCredentialsStopTheRunAtOnceAndFailNothing() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        var dns: [String] = []
        for index in 0..<5 {
            dns.append(await h.directory.addMailSubTask("s\(index)", recipients: ["r\(index)@example.org"]))
            await h.transport.answer(.fail(.authentication("535 5.7.8 authentication failed")), for: "r\(index)@example.org")
        }
        let report = try await h.run()
        #expect(report.summary.deferred == 1 && report.summary.skipped == 4 && report.summary.failed == 0)
        let skipped = report.items.filter { $0.outcome == .skipped }.compactMap(\.detail)
        #expect(skipped.allSatisfy { $0 == "run stopped: SMTP authentication refused: 535 5.7.8 authentication failed; the rest waits for the next run" })
        #expect(await h.transport.attempts.count == 1)
        for dn in dns { #expect(await h.directory.status(of: dn) == "1") }
        #expect(try await h.journal.records(forSubTasks: dns, operation: .kind(.mail)).allSatisfy { $0.attempts == 0 && $0.state == .released })
    }
}
