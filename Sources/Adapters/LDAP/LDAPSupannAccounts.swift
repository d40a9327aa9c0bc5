import Application
import Domain

/// Users' supannRessourceEtat / supannRessourceEtatDate in LDAP (spec §3.5, §8.2).
public struct LDAPSupannAccounts: SupannAccounts {
    private let client: LDAPClient

    public init(client: LDAPClient) {
        self.client = client
    }

    public func account(at dn: String) async throws -> SupannAccount? {
        guard let entry = try await client.read(dn, attributes: ["objectClass", "supannRessourceEtatDate", "supannRessourceEtat"]) else { return nil }
        return SupannAccount(
            dn: entry.dn, isSupannPerson: entry.strings("objectClass").contains { $0.lowercased() == "supannperson" },
            stateDates: entry.strings("supannRessourceEtatDate"), states: entry.strings("supannRessourceEtat")
        )
    }

    public func apply(_ change: SupannStateChange, to dn: String) async throws -> Bool {
        var modifications: [LDAPModification] = [
            .delete("supannRessourceEtatDate", [change.oldDate]), .add("supannRessourceEtatDate", [change.newDate]),
        ]
        if !change.oldStates.isEmpty { modifications.append(.delete("supannRessourceEtat", change.oldStates)) }
        modifications.append(.add("supannRessourceEtat", [change.newState]))
        do {
            try await client.modify(dn, modifications)
            return true
        } catch {
            // noSuchAttribute: an old value is gone; typeOrValueExists: a new one is already
            // there. Either way the entry is not as read: nothing was changed (one operation).
            // (A `catch .rejected(…) where …` pattern crashes the Swift 6.3.1 compiler.)
            if case .rejected(let code, _) = error, code == 16 || code == 20 { return false }
            throw error
        }
    }
}
