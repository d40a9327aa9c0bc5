import Application
import Domain

/// A prolongation as one LDAP modify of supannRessourceEtatDate / supannRessourceEtat / shadowExpire.
public struct LDAPAccountProlongations: AccountProlongations {
    private let client: LDAPClient

    public init(client: LDAPClient) {
        self.client = client
    }

    public func apply(_ prolongation: AccountProlongation, to dn: String) async throws -> Bool {
        var modifications: [LDAPModification] = []
        if let old = prolongation.oldDate, let new = prolongation.newDate {
            modifications += [.delete("supannRessourceEtatDate", [old]), .add("supannRessourceEtatDate", [new])]
            if !prolongation.oldStates.isEmpty { modifications.append(.delete("supannRessourceEtat", prolongation.oldStates)) }
            if let state = prolongation.newState { modifications.append(.add("supannRessourceEtat", [state])) }
        }
        if let old = prolongation.oldShadowExpire, let new = prolongation.newShadowExpire {
            modifications += [.delete("shadowExpire", [old]), .add("shadowExpire", [new])]
        }
        guard !modifications.isEmpty else { return false }
        do {
            try await client.modify(dn, modifications)
            return true
        } catch {
            // noSuchAttribute (16) / typeOrValueExists (20): the entry is not as read; nothing changed.
            if case .rejected(let code, _) = error, code == 16 || code == 20 { return false }
            throw error
        }
    }
}
