import Domain
import Foundation
import Testing

@Suite struct ReminderDecisionTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let now = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18 UTC
    static let monitored = SupannStateSetting.state(try! SupannResourceState(resource: "COMPTE", state: SupannState("A"), subState: "SupannActif"))

    static func settings(monitored: SupannStateSetting = monitored, prolongation: Bool? = true, second: Int? = 15) -> ReminderSettings {
        ReminderSettings(firstCallDays: 30, secondCallDays: second, monitored: monitored, accountProlongation: prolongation)
    }

    static func account(end: String, mail: String? = "u@example.org", uid: String? = "u", shadow: String? = nil) -> ReminderAccount {
        ReminderAccount(dn: "uid=u,dc=x", mail: mail, uid: uid, states: ["{COMPTE}A:SupannActif"], stateDates: ["{COMPTE}A:SupannActif:20250901:\(end)"], shadowExpire: shadow)
    }

    static func decide(_ account: ReminderAccount?, days: Int? = 30) -> ReminderDecision {
        decide(settings(), days: days, account)
    }

    static func decide(_ settings: ReminderSettings, days: Int? = 30, _ account: ReminderAccount?) -> ReminderDecision {
        ReminderDecision.decide(settings: settings, callDays: days, account: account, now: now, in: utc)
    }

    @Test func aSupannEndWithinTheWindowRemindsWithALinkWhoseLifetimeFollowsTheCall() {
        #expect(Self.decide(Self.account(end: "20261208")) == .remind(Reminder(expiry: try! CalendarDate(fdDate: "20261208"), callDays: 30, tokenDays: 15)))
        #expect(Self.decide(Self.account(end: "20261128"), days: 15) == .remind(Reminder(expiry: try! CalendarDate(fdDate: "20261128"), callDays: 15, tokenDays: 15)))
        #expect(Self.decide(Self.settings(prolongation: false), Self.account(end: "20261208")) == .remind(Reminder(expiry: try! CalendarDate(fdDate: "20261208"), callDays: 30, tokenDays: nil)))
    }

    @Test func outsideTheWindowOrNotInTheStateIsRemoved() {
        guard case .remove = Self.decide(Self.account(end: "20261208"), days: 15) else { Issue.record("expected remove"); return }
        guard case .remove = Self.decide(Self.account(end: "20261118")) else { Issue.record("an end today is not in the future"); return }
        let other = ReminderAccount(dn: "uid=u,dc=x", mail: "u@x", uid: "u", states: ["{COMPTE}I:SupannExpire"], stateDates: [])
        guard case .remove = Self.decide(other) else { Issue.record("expected remove"); return }
        guard case .remove = Self.decide(Self.settings(monitored: .none, prolongation: false), Self.account(end: "20261120")) else { Issue.record("expected remove"); return }
    }

    @Test func posixExpiryIsUsedWhenNoStateIsMonitoredAndAProlongationIsOffered() {
        let shadow = String(try! CalendarDate(fdDate: "20261128").daysSinceEpoch)
        let decision = Self.decide(Self.settings(monitored: .none), days: 15, Self.account(end: "", shadow: shadow))
        #expect(decision == .remind(Reminder(expiry: try! CalendarDate(fdDate: "20261128"), callDays: 15, tokenDays: 15)))
        guard case .remove = Self.decide(Self.settings(monitored: .none), Self.account(end: "")) else { Issue.record("no shadowExpire: removed"); return }
    }

    @Test(arguments: [
        ("no mail", ReminderDecisionTests.settings(), ReminderDecisionTests.account(end: "20261208", mail: nil)),
        ("no end date", ReminderDecisionTests.settings(), ReminderDecisionTests.account(end: "")),
        ("without uid", ReminderDecisionTests.settings(), ReminderDecisionTests.account(end: "20261208", uid: nil)),
        ("missing second call", ReminderDecisionTests.settings(second: nil), ReminderDecisionTests.account(end: "20261208")),
        ("missing prolongation setting", ReminderDecisionTests.settings(prolongation: nil), ReminderDecisionTests.account(end: "20261208")),
    ])
    func badDataFailsWithAShortReason(_ expected: String, _ settings: ReminderSettings, _ account: ReminderAccount) {
        guard case .fail(let reason) = Self.decide(settings, account) else { Issue.record("expected a failure for \(expected)"); return }
        #expect(reason.contains(expected))
    }
}
