import Foundation

/// One prolongation, as FusionDirectory's `accountProlongation.php` applies it (spec §3.7): the
/// monitored state's `supannRessourceEtatDate` becomes `{Next}S:SUB:<old end>:<old end + N>` (with
/// `supannRessourceEtat` following it), and/or shadowExpire grows by N days. Exact old values, so
/// one LDAP modify that deletes them applies it at most once.
public struct AccountProlongation: Sendable, Equatable {
    public let oldDate: String?
    public let newDate: String?
    /// supannRessourceEtat values of the monitored resource present now.
    public let oldStates: [String]
    public let newState: String?
    public let oldShadowExpire: String?
    public let newShadowExpire: String?
    /// The account's new end, for the confirmation page.
    public let newEnd: CalendarDate

    public init(oldDate: String?, newDate: String?, oldStates: [String], newState: String?, oldShadowExpire: String?, newShadowExpire: String?, newEnd: CalendarDate) {
        self.oldDate = oldDate
        self.newDate = newDate
        self.oldStates = oldStates
        self.newState = newState
        self.oldShadowExpire = oldShadowExpire
        self.newShadowExpire = newShadowExpire
        self.newEnd = newEnd
    }
}

public enum ProlongationRule {
    /// The prolongation the main task's settings give this account, or why there is none.
    public static func prolongation(settings: ReminderSettings, account: ReminderAccount) -> Result<AccountProlongation, ProlongationRefusal> {
        guard settings.accountProlongation == true else { return .failure(.init("this task offers no prolongation")) }
        guard let days = settings.newEndDays, days > 0 else { return .failure(.init("the task sets no prolongation length (fdTasksReminderSupannNewEndDate)")) }
        var change = (oldDate: String?.none, newDate: String?.none, oldStates: [String](), newState: String?.none)
        var newEnd: CalendarDate?
        if case .state(let monitored) = settings.monitored {
            let dates = account.stateDates.compactMap { text in (try? SupannResourceStateDate(parsing: text)).map { (text, $0) } }
            guard let (text, value) = dates.first(where: { $0.1.resource == monitored.resource && $0.1.state == monitored.state && (monitored.subState == nil || $0.1.subState == monitored.subState) }),
                  let end = value.end else {
                return .failure(.init("the account is no longer in the state this reminder was about"))
            }
            let next = settings.next.resourceState ?? monitored
            let prolonged = SupannResourceStateDate(next, start: end, end: end.adding(days: days))
            change = (text, prolonged.description, account.states.filter { (try? SupannResourceState(parsing: $0))?.resource == monitored.resource }, next.description)
            newEnd = prolonged.end
        }
        var shadow = (old: String?.none, new: String?.none)
        if settings.posix {
            guard let text = account.shadowExpire, let date = try? CalendarDate(shadowExpire: text) else {
                return .failure(.init("the account has no readable shadowExpire"))
            }
            let prolonged = date.adding(days: days)
            shadow = (text, prolonged.shadowExpire)
            newEnd = newEnd ?? prolonged
        }
        guard let newEnd else { return .failure(.init("the task monitors no state and no POSIX expiry")) }
        return .success(AccountProlongation(
            oldDate: change.oldDate, newDate: change.newDate, oldStates: change.oldStates, newState: change.newState,
            oldShadowExpire: shadow.old, newShadowExpire: shadow.new, newEnd: newEnd
        ))
    }
}

/// Why an account cannot be prolonged.
public struct ProlongationRefusal: Error, Sendable, Equatable {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}

/// A prolongation link the service serves itself (PROLONGATION_MODE=orchestrator): single-use,
/// bound to its user, task and window, expiring, stored only as a hash.
public struct ProlongationGrant: Sendable, Equatable {
    public let tokenHash: String
    public let userDN: String
    public let taskDN: String
    /// The reminder's window, days (`fdTasksGranularHelper`).
    public let callDays: Int
    public let expiresAt: Date
    public let usedAt: Date?

    public init(tokenHash: String, userDN: String, taskDN: String, callDays: Int, expiresAt: Date, usedAt: Date? = nil) {
        self.tokenHash = tokenHash
        self.userDN = userDN
        self.taskDN = taskDN
        self.callDays = callDays
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}
