/// A user's SupAnn resource states as LDAP holds them.
public struct SupannAccount: Sendable, Equatable {
    public let dn: String
    /// The entry has objectClass supannPerson.
    public let isSupannPerson: Bool
    /// supannRessourceEtatDate values, as read.
    public let stateDates: [String]
    /// supannRessourceEtat values, as read.
    public let states: [String]

    public init(dn: String, isSupannPerson: Bool, stateDates: [String], states: [String]) {
        self.dn = dn
        self.isSupannPerson = isSupannPerson
        self.stateDates = stateDates
        self.states = states
    }
}

/// One exact change of a user's SupAnn state: the old values go, the new ones come, in one
/// directory operation.
public struct SupannStateChange: Sendable, Equatable {
    public let oldDate: String
    public let newDate: String
    /// supannRessourceEtat values of the resource to delete (those present now).
    public let oldStates: [String]
    public let newState: String

    public init(oldDate: String, newDate: String, oldStates: [String], newState: String) {
        self.oldDate = oldDate
        self.newDate = newDate
        self.oldStates = oldStates
        self.newState = newState
    }
}

/// Reads and changes users' SupAnn states (Life Cycle).
public protocol SupannAccounts: Sendable {
    /// The user at `dn`; nil when there is no such entry.
    func account(at dn: String) async throws -> SupannAccount?
    /// Applies `change` as one modify that deletes the exact old values: false when an old value
    /// is not there any more (someone changed the user since it was read), true when applied.
    func apply(_ change: SupannStateChange, to dn: String) async throws -> Bool
}
