/// The end date of the supann state a Reminder task watches (spec §8.4 e).
public enum SupannExpiry: Sendable, Equatable {
    /// The user is not in the monitored state: no reminder is due.
    case notInMonitoredState
    /// The monitored state ends on this date.
    case endsOn(CalendarDate)
    /// The user is in the monitored state but no supannRessourceEtatDate value gives an end
    /// date. PHP then crashed with a 500 after invalidating earlier tokens (spec §10 #24);
    /// here it is a reason the caller can store or report.
    case unknownEnd(reason: String)

    /// Looks the monitored state up in a user's supannRessourceEtat and
    /// supannRessourceEtatDate values.
    ///
    /// As in PHP, the monitored `{R}S` / `{R}S:SUB` must be *exactly* one of the
    /// supannRessourceEtat values. The date value is then the first one with the same
    /// resource and state (and sub-state, when one is monitored). PHP matched it by string
    /// prefix, so `{COMPTE}A:Supann` also matched `{COMPTE}A:SupannActif:…`; fields are
    /// compared here instead. Unreadable values are skipped.
    public static func lookUp(
        monitored: SupannResourceState, resourceStates: [String], resourceStateDates: [String]
    ) -> SupannExpiry {
        let states = resourceStates.compactMap { try? SupannResourceState(parsing: $0) }
        guard states.contains(monitored) else { return .notInMonitoredState }
        let dates = resourceStateDates.compactMap { try? SupannResourceStateDate(parsing: $0) }
        let match = dates.first { value in
            value.resource == monitored.resource && value.state == monitored.state
                && (monitored.subState == nil || value.subState == monitored.subState)
        }
        guard let match else {
            return .unknownEnd(reason: "no supannRessourceEtatDate value for \(monitored)")
        }
        guard let end = match.end else {
            return .unknownEnd(reason: "supannRessourceEtatDate value \(match) has no end date")
        }
        return .endsOn(end)
    }
}
