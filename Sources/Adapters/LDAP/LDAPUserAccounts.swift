import Application
import Domain

/// Users as a reminder reads them: first `mail`, first `uid`, SupAnn states, shadowExpire.
public struct LDAPUserAccounts: UserAccounts {
    private let client: LDAPClient

    public init(client: LDAPClient) {
        self.client = client
    }

    public func reminderAccount(at dn: String) async throws -> ReminderAccount? {
        guard let entry = try await client.read(dn, attributes: ["mail", "uid", "supannRessourceEtat", "supannRessourceEtatDate", "shadowExpire"]) else {
            return nil
        }
        return ReminderAccount(
            dn: dn, mail: entry.strings("mail").first, uid: entry.strings("uid").first,
            states: entry.strings("supannRessourceEtat"), stateDates: entry.strings("supannRessourceEtatDate"),
            shadowExpire: entry.strings("shadowExpire").first
        )
    }
}
