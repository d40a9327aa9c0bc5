import Application
import Domain
import Foundation

/// Audit events, users and token entries in memory, for the Notifications and Reminder runs.
actor FakeUsers: AuditEventLookup, UserAccounts, ProlongationTokens, AccountProlongations {
    private var events: [String: AuditEvent] = [:]
    private var accounts: [String: ReminderAccount] = [:]
    private(set) var tokens: [String: StoredProlongationToken] = [:]
    /// Every token write, in order.
    private(set) var tokenWrites: [StoredProlongationToken] = []

    func addEvent(_ dn: String, action: String, object: String, attributes: [String]) {
        events[dn] = AuditEvent(entry: DirectoryEntry(dn: dn, stringAttributes: [
            "fdAuditDateTime": ["20261120090512.5Z"], "fdAuditAction": [action], "fdAuditObject": [object], "fdAuditAttributes": attributes,
        ]))
    }

    func addAccount(_ account: ReminderAccount) {
        accounts[account.dn] = account
    }

    func setToken(_ token: StoredProlongationToken) {
        tokens[token.uid] = token
    }

    func events(at dns: [String]) -> [String: AuditEvent] {
        events.filter { dns.contains($0.key) }
    }

    func reminderAccount(at dn: String) -> ReminderAccount? { accounts[dn] }

    func token(forUID uid: String) -> StoredProlongationToken? { tokens[uid] }

    func store(_ token: StoredProlongationToken) {
        tokens[token.uid] = token
        tokenWrites.append(token)
    }

    private(set) var prolongations: [AccountProlongation] = []

    /// Checks the old values like the LDAP modify does.
    func apply(_ prolongation: AccountProlongation, to dn: String) -> Bool {
        guard let account = accounts[dn] else { return false }
        var dates = account.stateDates
        var states = account.states
        var shadow = account.shadowExpire
        if let old = prolongation.oldDate, let new = prolongation.newDate {
            guard let at = dates.firstIndex(of: old) else { return false }
            dates[at] = new
            states.removeAll { prolongation.oldStates.contains($0) }
            if let state = prolongation.newState { states.append(state) }
        }
        if let old = prolongation.oldShadowExpire {
            guard shadow == old else { return false }
            shadow = prolongation.newShadowExpire
        }
        accounts[dn] = ReminderAccount(dn: dn, mail: account.mail, uid: account.uid, states: states, stateDates: dates, shadowExpire: shadow)
        prolongations.append(prolongation)
        return true
    }
}

/// A readable stand-in for the HMAC: the message itself, base64.
struct EchoSigner: ReminderTokenSigner {
    func signatureBase64(of message: String) -> String { Data(message.utf8).base64EncodedString() }
}
