/// A task's optional supann resource/state/sub-state triple, as the Notifications trigger
/// and the Reminder monitored/next states are configured (spec §1.1).
///
/// Three cases because "no trigger" and "a trigger we cannot read" lead to different
/// behaviour: Reminder treats a `NONE` resource as "check POSIX expiry instead" (spec §8.4 d),
/// so a broken value must never silently become `NONE`.
public enum SupannStateSetting: Sendable, Hashable {
    /// No resource (`NONE`, FD's `None` default, or absent).
    case none
    case state(SupannResourceState)
    /// Set but unusable; the reason is also among the task's problems.
    case invalid(String)

    /// Builds the setting from the three attribute values.
    ///
    /// PHP tested `!== 'NONE'` exactly, so FD's `None` default still ran the supann checks
    /// (spec §10 #37); both spellings (any case) mean "no resource" here.
    public init(resource: String?, state: String?, subState: String?, attributePrefix: String) {
        guard let resource, !resource.isEmpty, resource.lowercased() != "none" else {
            self = .none
            return
        }
        guard let state, !state.isEmpty else {
            self = .invalid("\(attributePrefix)Resource is \"\(DomainError.echo(resource))\" but \(attributePrefix)State is missing")
            return
        }
        do throws(DomainError) {
            let letter = try SupannState(text: state, attribute: "\(attributePrefix)State")
            self = .state(try SupannResourceState(resource: resource, state: letter, subState: subState))
        } catch {
            self = .invalid(error.message)
        }
    }

    /// The triple, when there is a usable one.
    public var resourceState: SupannResourceState? {
        if case let .state(value) = self { return value }
        return nil
    }
}
