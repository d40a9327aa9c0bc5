/// A `supannRessourceEtatDate` value: `{RESOURCE}STATE:SUBSTATE:START:END` (spec §3.5),
/// e.g. `{COMPTE}A:SupannActif:20250901:20261031`, `{MAIL}A:SupannActif::`, `{MAIL}A:::`.
///
/// FD always writes the four fields (`{%s}%s:%s:%s:%s`) with empty ones allowed; we read
/// values with fewer fields too (`{MAIL}A`, `{MAIL}A:SupannActif`) because PHP's regex made
/// start and end optional, and print the canonical four-field form.
public struct SupannResourceStateDate: Sendable, Hashable, CustomStringConvertible {
    public let resource: String
    public let state: SupannState
    public let subState: String?
    public let start: CalendarDate?
    public let end: CalendarDate?

    public init(
        resource: String, state: SupannState, subState: String? = nil,
        start: CalendarDate? = nil, end: CalendarDate? = nil
    ) throws(DomainError) {
        let head = try SupannResourceState(resource: resource, state: state, subState: subState)
        self.init(head, start: start, end: end)
    }

    public init(_ resourceState: SupannResourceState, start: CalendarDate? = nil, end: CalendarDate? = nil) {
        resource = resourceState.resource
        state = resourceState.state
        subState = resourceState.subState
        self.start = start
        self.end = end
    }

    /// Parses `{RESOURCE}STATE[:SUBSTATE[:START[:END]]]`; dates are `YYYYMMDD` or empty.
    public init(parsing text: String, attribute: String = "supannRessourceEtatDate") throws(DomainError) {
        let (resource, fields) = try SupannResourceState.split(text, attribute: attribute)
        guard fields.count <= 4 else {
            throw .invalidValue(attribute: attribute, value: text, reason: "more than four ':'-separated fields after the resource")
        }
        func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
        func date(_ index: Int, _ name: String) throws(DomainError) -> CalendarDate? {
            let raw = field(index)
            guard !raw.isEmpty else { return nil }
            do throws(DomainError) {
                return try CalendarDate(fdDate: raw, attribute: attribute)
            } catch {
                throw .invalidValue(attribute: attribute, value: text, reason: "\(name) date \"\(raw)\" is not a valid YYYYMMDD")
            }
        }
        let state = try SupannState(text: field(0), attribute: attribute)
        let head: SupannResourceState
        do throws(DomainError) {
            head = try SupannResourceState(resource: resource, state: state, subState: field(1))
        } catch {
            throw .invalidValue(attribute: attribute, value: text, reason: error.message)
        }
        self.init(head, start: try date(2, "start"), end: try date(3, "end"))
    }

    /// The resource/state/sub-state part, i.e. the matching supannRessourceEtat value.
    public var resourceState: SupannResourceState {
        // The fields were validated when this value was built.
        SupannResourceState(uncheckedResource: resource, state: state, subState: subState)
    }

    /// FD's `{%s}%s:%s:%s:%s`: always four fields, empty ones left empty.
    public var description: String {
        "{\(resource)}\(state.letter):\(subState ?? ""):\(start?.fdDate ?? ""):\(end?.fdDate ?? "")"
    }

    public var ldapValue: String { description }
}
