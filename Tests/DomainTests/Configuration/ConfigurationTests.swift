import Foundation
import Testing
@testable import Domain

@Suite("FD configuration and anti-spam")
struct ConfigurationTests {
    static let configDN = "cn=config,ou=fusiondirectory,dc=example,dc=org"

    @Test func emptyConfigurationUsesFDsDefaults() throws {
        let config = FDConfiguration(entry: Fixtures.entry(Self.configDN, ["cn": ["config"]]))
        #expect(config.tasks == TasksConfiguration(maxEmails: 50, intervalMinutes: 0, lastExecTime: nil))
        #expect(config.mailTemplateRDN.description == "ou=mailTemplate")
        #expect(config.tasksRDN.description == "ou=tasks")
        #expect(config.auditRDN.description == "ou=audit")
        let zone = try config.timeZone.get()
        #expect(zone.note != nil)
        #expect(zone.zone.secondsFromGMT(for: Date()) == 0)
        #expect(config.problems == [])
    }

    @Test func configuredValuesAreRead() throws {
        let config = FDConfiguration(entry: Fixtures.entry(Self.configDN, [
            "cn": ["config"], "fdTimezone": ["Europe/Paris"], "fdTasksConfMaxEmails": ["0"],
            "fdTasksConfIntervalEmails": ["15"], "fdTasksConfLastExecTime": ["1795345828"],
            "fdMailTemplateRDN": ["ou=templates,ou=mail"], "fdTasksRDN": ["ou=jobs"], "fdAuditRDN": ["ou=journal"],
        ]))
        #expect(config.problems == [])
        #expect(try config.timeZone.get().zone.identifier == "Europe/Paris")
        #expect(config.tasks.maxEmails == 0)
        #expect(config.tasks.intervalMinutes == 15)
        #expect(config.tasks.lastExecTime == Date(timeIntervalSince1970: 1_795_345_828))
        let base = try DistinguishedName(parsing: Fixtures.base)
        #expect(config.mailTemplateBase(under: base).description == "ou=templates,ou=mail,dc=example,dc=org")
        #expect(config.tasksBase(under: base).description == "ou=jobs,dc=example,dc=org")
        #expect(config.auditBase(under: base).description == "ou=journal,dc=example,dc=org")
        #expect(FDConfiguration.entryDN(under: base).description == Self.configDN)
    }

    @Test func templateDNEscapesTheTemplateName() throws {
        let config = FDConfiguration()
        let dn = config.mailTemplateDN(cn: "welcome, staff+guests", under: try DistinguishedName(parsing: Fixtures.base))
        #expect(dn.description == #"cn=welcome\, staff\+guests,ou=mailTemplate,dc=example,dc=org"#)
    }

    @Test func invalidValuesFallBackToDefaultsAndAreReported() {
        let config = FDConfiguration(entry: Fixtures.entry(Self.configDN, [
            "fdTimezone": ["Mars/Olympus"], "fdTasksConfMaxEmails": ["-3"], "fdTasksConfIntervalEmails": ["ten"],
            "fdTasksConfLastExecTime": ["yesterday"], "fdMailTemplateRDN": ["ou=a,,"], "fdTasksRDN": [""],
        ]))
        #expect(config.timeZone == .failure(.unknownTimeZone(identifier: "Mars/Olympus")))
        #expect(config.tasks == TasksConfiguration())
        #expect(config.mailTemplateRDN == FDConfiguration.defaultMailTemplateRDN)
        #expect(config.tasksRDN == FDConfiguration.defaultTasksRDN)
        #expect(config.problems.count == 6)
    }

    @Test(arguments: [
        // interval minutes, last send (seconds before now), blocked until (seconds after now) or nil
        (15, 60.0, 840.0 as Double?),
        (15, 900.0, nil),
        (15, 901.0, nil),
        (0, 1.0, nil),
    ])
    func intervalBlocksUntilItHasElapsed(minutes: Int, secondsAgo: Double, blockedFor: Double?) {
        let now = Date(timeIntervalSince1970: 1_795_345_828)
        let config = TasksConfiguration(intervalMinutes: minutes, lastExecTime: now.addingTimeInterval(-secondsAgo))
        #expect(config.intervalBlocks(now: now) == blockedFor.map { now.addingTimeInterval($0) })
    }

    @Test func neverSentMeansNeverBlocked() {
        #expect(TasksConfiguration(intervalMinutes: 60).intervalBlocks(now: Date()) == nil)
    }

    @Test func budgetCountsSentMessagesUpToTheLimit() {
        var budget = TasksConfiguration(maxEmails: 3).mailBudget()
        #expect(budget.remaining == 3)
        budget.recordSent()
        budget.recordSent()
        #expect(budget.canSendMore)
        #expect(!budget.canSend(2))  // a two-recipient group would overshoot
        budget.recordSent()
        #expect(!budget.canSendMore)
        #expect(budget.remaining == 0)
    }

    @Test func failedSendsDoNotConsumeTheBudget() {
        var budget = MailBudget(limit: 1)
        // A run records only messages the server accepted; failures are simply not recorded.
        #expect(budget.canSendMore)
        budget.recordSent(0)
        #expect(budget.canSendMore)
    }

    @Test func zeroMeansUnlimited() {
        var budget = MailBudget(limit: 0)
        budget.recordSent(1_000_000)
        #expect(budget.isUnlimited && budget.canSendMore && budget.canSend(5) && budget.remaining == nil)
    }
}
