import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// PROLONGATION_MODE=orchestrator: the reminder's link is served by the service; single-use.
@Suite struct ProlongAccountTests {
    static let lucie = ReminderRunTests.lucie

    struct Harness {
        let reminders = ReminderRunTests.Harness()
        let grants = InMemoryProlongationGrants()
        let fd = FakeFusionDirectory()
        var clock: TestClock { reminders.base.clock }

        var reminder: ReminderRun {
            ReminderRun(.init(
                directory: reminders.base.directory, templates: reminders.base.directory, accounts: reminders.users, tokens: reminders.users,
                signer: EchoSigner(), delivery: MailDelivery(transport: reminders.base.transport, stamp: reminders.base.directory, crypto: reminders.base.ids, clock: clock),
                links: .orchestrator(baseURL: "https://orchestrator.example.org/orchestrator/", grants: grants)
            ))
        }

        var prolong: ProlongAccount {
            ProlongAccount(.init(
                directory: reminders.base.directory, accounts: reminders.users, writer: reminders.users, grants: grants,
                fusionDirectory: fd, crypto: reminders.base.ids, clock: clock
            ))
        }

        /// Lucie reminded by the 30-day call, her COMPTE ending in 20 days; returns the link's token.
        func remind() async throws -> String {
            let master = await reminders.seed(forward: ["hr@example.org"])
            await reminders.users.addAccount(reminders.account(ReminderRunTests.lucie, uid: "lmartin", mail: "lucie.martin@example.org", endsInDays: 20))
            _ = await reminders.call("r1", master: master, user: ReminderRunTests.lucie, days: 30)
            _ = try await reminders.base.engine().run(reminder, mode: .apply, trigger: .http)
            let mail = try #require(await reminders.base.transport.accepted.first { $0.recipient == "lucie.martin@example.org" })
            let range = try #require(mail.body.range(of: "https://orchestrator.example.org/orchestrator/api/prolongation?token="))
            return String(mail.body[range.upperBound...].prefix { !$0.isWhitespace })
        }
    }

    @Test func theLinkGoesToTheUserAloneAndOnlyItsHashIsKept() async throws {
        let h = Harness()
        let token = try await h.remind()
        let forward = try #require(await h.reminders.base.transport.accepted.first { $0.recipient == "hr@example.org" })
        #expect(!forward.body.contains(token))
        #expect(await h.grants.grant(tokenHash: token) == nil)
        let grant = try #require(await h.grants.grant(tokenHash: h.reminders.base.ids.storageHash(of: token)))
        #expect(grant.userDN == Self.lucie && grant.callDays == 30 && grant.usedAt == nil)
        // No token entry in LDAP in this mode.
        #expect(await h.reminders.users.tokenWrites.isEmpty)
    }

    @Test func lookingChangesNothingConfirmingProlongsOnceAndASecondConfirmIsRefused() async throws {
        let h = Harness()
        let token = try await h.remind()
        let end = try CalendarDate(fdDate: h.reminders.inDays(20))
        #expect(await h.prolong.preview(token: token) == .confirm(user: Self.lucie, newEnd: end.adding(days: 365)))
        #expect(await h.prolong.preview(token: token) == .confirm(user: Self.lucie, newEnd: end.adding(days: 365)))
        #expect(await h.reminders.users.prolongations.isEmpty)

        #expect(await h.prolong.confirm(token: token) == .prolonged(user: Self.lucie, newEnd: end.adding(days: 365), note: nil))
        let account = try #require(await h.reminders.users.reminderAccount(at: Self.lucie))
        // The task's next state ({COMPTE}A, no sub-state), from the old end to the old end + 365 days.
        #expect(account.stateDates == ["{COMPTE}A::\(end.fdDate):\(end.adding(days: 365).fdDate)"])
        #expect(account.states == ["{COMPTE}A"])
        #expect(await h.fd.refreshed == [Self.lucie])

        #expect(await h.prolong.confirm(token: token) == .refused(status: 410, reason: "this link was already used"))
        #expect(await h.reminders.users.prolongations.count == 1)
    }

    @Test func anExpiredOrTamperedLinkIsRefused() async throws {
        let h = Harness()
        let token = try await h.remind()
        var tampered = Array(token)
        tampered[5] = tampered[5] == "A" ? "B" : "A"
        #expect(await h.prolong.confirm(token: String(tampered)) == .refused(status: 404, reason: "this link is not valid"))
        h.clock.advance(by: 16 * 86_400)
        #expect(await h.prolong.preview(token: token) == .refused(status: 410, reason: "this link has expired"))
        #expect(await h.prolong.confirm(token: token) == .refused(status: 410, reason: "this link has expired"))
        #expect(await h.reminders.users.prolongations.isEmpty)
    }

    @Test func anAccountChangedSinceTheReminderIsNotTouchedAndTheLinkStaysUsable() async throws {
        let h = Harness()
        let token = try await h.remind()
        await h.reminders.users.addAccount(ReminderAccount(dn: Self.lucie, mail: "lucie.martin@example.org", uid: "lmartin", states: ["{COMPTE}I:SupannExpire"], stateDates: ["{COMPTE}I:SupannExpire:20261101:"]))
        guard case .refused(409, let reason) = await h.prolong.confirm(token: token) else { Issue.record("expected a refusal"); return }
        #expect(reason.contains("no longer in the state"))
        #expect(await h.grants.grant(tokenHash: h.reminders.base.ids.storageHash(of: token))?.usedAt == nil)
    }
}
