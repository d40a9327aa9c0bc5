import Application
import Foundation

/// FusionDirectory's REST API in memory: records calls, fails as told, and (like FD) recomputes
/// supannRessourceEtat on a refresh and stamps fdTasksLastExec on an activation.
actor FakeFusionDirectory: FusionDirectoryAPI {
    private(set) var refreshed: [String] = []
    private(set) var activated: [String] = []
    private var failures: [FusionDirectoryError] = []
    private let accounts: FakeSupannAccounts?
    private let directory: FakeDirectory?

    init(accounts: FakeSupannAccounts? = nil, directory: FakeDirectory? = nil) {
        self.accounts = accounts
        self.directory = directory
    }

    /// The next calls fail with these, in order.
    func fail(with errors: [FusionDirectoryError]) {
        failures = errors
    }

    func refreshUser(dn: String) async throws(FusionDirectoryError) {
        if !failures.isEmpty { throw failures.removeFirst() }
        refreshed.append(dn)
        await accounts?.recomputeStates(of: dn)
    }

    func activateTask(dn: String) async throws(FusionDirectoryError) {
        if !failures.isEmpty { throw failures.removeFirst() }
        activated.append(dn)
        await directory?.setLastExec("2026-11-30 10:00:00", of: dn)
    }
}

/// Users' SupAnn values in memory; `apply` checks the old values like the LDAP modify does.
actor FakeSupannAccounts: SupannAccounts {
    private var users: [String: SupannAccount] = [:]
    private(set) var changes: [SupannStateChange] = []

    func add(_ dn: String, dates: [String], states: [String], supannPerson: Bool = true) {
        users[dn] = SupannAccount(dn: dn, isSupannPerson: supannPerson, stateDates: dates, states: states)
    }

    func user(_ dn: String) -> SupannAccount? { users[dn] }

    func account(at dn: String) -> SupannAccount? { users[dn] }

    func apply(_ change: SupannStateChange, to dn: String) -> Bool {
        guard let user = users[dn], user.stateDates.contains(change.oldDate), !user.stateDates.contains(change.newDate),
              change.oldStates.allSatisfy(user.states.contains) else { return false }
        changes.append(change)
        users[dn] = SupannAccount(
            dn: dn, isSupannPerson: user.isSupannPerson,
            stateDates: user.stateDates.map { $0 == change.oldDate ? change.newDate : $0 },
            states: user.states.filter { !change.oldStates.contains($0) } + [change.newState]
        )
        return true
    }

    /// FD's rule: `{R}S`, plus `:SUB` when the sub-state is not empty, for every date value.
    func recomputeStates(of dn: String) {
        guard let user = users[dn] else { return }
        let states = user.stateDates.map { value -> String in
            let fields = value.split(separator: ":", omittingEmptySubsequences: false)
            let sub = fields.count > 1 ? String(fields[1]) : ""
            return sub.isEmpty ? String(fields[0]) : "\(fields[0]):\(sub)"
        }
        users[dn] = SupannAccount(dn: dn, isSupannPerson: user.isSupannPerson, stateDates: user.stateDates, states: states)
    }
}
