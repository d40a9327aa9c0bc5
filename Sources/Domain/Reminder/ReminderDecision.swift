import Foundation

/// What a user's directory entry says, as a reminder needs it.
public struct ReminderAccount: Sendable, Equatable {
    public let dn: String
    /// The first `mail` value, if any.
    public let mail: String?
    /// The first `uid` value: the token entry is `cn=<uid>,ou=tokens,<base>` (spec §3.7).
    public let uid: String?
    public let states: [String]
    public let stateDates: [String]
    /// shadowExpire as read (days since 1970-01-01).
    public let shadowExpire: String?

    public init(dn: String, mail: String?, uid: String?, states: [String] = [], stateDates: [String] = [], shadowExpire: String? = nil) {
        self.dn = dn
        self.mail = mail
        self.uid = uid
        self.states = states
        self.stateDates = stateDates
        self.shadowExpire = shadowExpire
    }
}

/// One reminder to send: when the account expires, and whether the user's copy carries a
/// prolongation link (with the token's lifetime).
public struct Reminder: Sendable, Equatable {
    public let expiry: CalendarDate
    /// Days of the call (`fdTasksGranularHelper`).
    public let callDays: Int
    /// Days the token lives; nil when the reminder has no link.
    public let tokenDays: Int?

    public var carriesLink: Bool { tokenDays != nil }

    public init(expiry: CalendarDate, callDays: Int, tokenDays: Int?) {
        self.expiry = expiry
        self.callDays = callDays
        self.tokenDays = tokenDays
    }
}

/// Decides a Reminder sub-task (spec §8.4 d–g, bugs §10 #19, #24–26 fixed): remind, remove
/// (nothing is about to expire, as FD expects), or fail with a short reason (bad data), never crash.
public enum ReminderDecision: Sendable, Equatable {
    case remind(Reminder)
    case remove(String)
    case fail(String)

    public static func decide(settings: ReminderSettings, callDays: Int?, account: ReminderAccount?, now: Date, in zone: TimeZone) -> ReminderDecision {
        guard let prolongation = settings.accountProlongation else {
            return .fail("missing prolongation setting: fdTasksReminderAccountProlongation is not set on the main task")
        }
        guard let callDays else { return .fail("no reminder window: fdTasksGranularHelper is missing") }
        guard let account else { return .remove("the user entry does not exist any more") }
        let expiry: CalendarDate
        switch settings.monitored {
        case .invalid(let reason):
            return .fail(reason)
        case .none:
            // PHP: no monitored state → POSIX expiry, and only when a prolongation is offered.
            guard prolongation else { return .remove("no reminder trigger: no monitored state and no account prolongation") }
            guard let text = account.shadowExpire, let date = try? CalendarDate(shadowExpire: text) else {
                return .remove("no POSIX expiry: the user has no readable shadowExpire")
            }
            guard ReminderWindow.shouldRemind(shadowExpire: date, days: callDays, now: now, in: zone) else {
                return .remove("not about to expire: shadowExpire is \(date), outside the \(callDays)-day window")
            }
            expiry = date
        case .state(let monitored):
            switch SupannExpiry.lookUp(monitored: monitored, resourceStates: account.states, resourceStateDates: account.stateDates) {
            case .notInMonitoredState:
                return .remove("not about to expire: the user is not in the monitored state \(monitored)")
            case .unknownEnd(let reason):
                return .fail("a monitored state with no end date: \(reason)")
            case .endsOn(let date):
                guard ReminderWindow.shouldRemind(expiry: date, days: callDays, now: now, in: zone) else {
                    return .remove("not about to expire: \(monitored) ends on \(date), outside the \(callDays)-day window")
                }
                expiry = date
            }
        }
        guard let mail = account.mail, !mail.isEmpty else { return .fail("no mail on the user: \(account.dn) has no mail address") }
        guard prolongation else { return .remind(Reminder(expiry: expiry, callDays: callDays, tokenDays: nil)) }
        guard let uid = account.uid, !uid.isEmpty else {
            return .fail("a user DN without uid: \(account.dn) has no uid, so no prolongation token can be stored")
        }
        guard settings.secondCallDays != nil else {
            return .fail("a missing second call: fdTasksReminderSecondCall is not set, so the token lifetime is undefined")
        }
        let tokenDays = ReminderTokenLifetime.days(callDays: callDays, firstCallDays: settings.firstCallDays, secondCallDays: settings.secondCallDays)
        return .remind(Reminder(expiry: expiry, callDays: callDays, tokenDays: tokenDays))
    }
}
