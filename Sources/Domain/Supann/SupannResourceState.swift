/// The one-letter state of a supann resource (spec §3.5).
public enum SupannState: Sendable, Hashable {
    case active      // A
    case inactive    // I
    case suspended   // S
    /// Any other letter; kept so values written by other tools survive a rewrite.
    case other(Character)

    public init(_ letter: Character) {
        switch letter {
        case "A": self = .active
        case "I": self = .inactive
        case "S": self = .suspended
        default: self = .other(letter)
        }
    }

    /// Parses the state field, which must be exactly one character.
    public init(text: String, attribute: String = "supann state") throws(DomainError) {
        guard text.count == 1, let letter = text.first else {
            throw .invalidValue(attribute: attribute, value: text, reason: "a supann state is one letter (A, I or S)")
        }
        self.init(letter)
    }

    public var letter: Character {
        switch self {
        case .active: "A"
        case .inactive: "I"
        case .suspended: "S"
        case let .other(letter): letter
        }
    }
}

/// A `supannRessourceEtat` value: `{RESOURCE}STATE` or `{RESOURCE}STATE:SUBSTATE`
/// (spec §3.5), e.g. `{COMPTE}A:SupannActif`, `{MAIL}A`.
///
/// Also used for the resource/state/sub-state triples of task settings (Life Cycle pre/post,
/// Reminder monitored/next, Notifications trigger): their printed form is exactly what
/// Reminder and Notifications compare with the user's values.
public struct SupannResourceState: Sendable, Hashable, CustomStringConvertible {
    /// Resource key (`COMPTE`, `MAIL` or a configured label key). Any characters but braces:
    /// PHP's `\w+` rejected keys such as `WIFI-EDU` (spec §10 #30).
    public let resource: String
    public let state: SupannState
    /// Nil when absent or empty (`{MAIL}A:` reads as `{MAIL}A`).
    public let subState: String?

    public init(resource: String, state: SupannState, subState: String? = nil) throws(DomainError) {
        try Self.validate(resource: resource)
        if let subState, subState.contains(":") {
            throw .invalidValue(attribute: "supann sub-state", value: subState, reason: "must not contain ':'")
        }
        self.resource = resource
        self.state = state
        self.subState = subState?.isEmpty == true ? nil : subState
    }

    /// Parses `{RESOURCE}STATE[:SUBSTATE]`.
    public init(parsing text: String, attribute: String = "supannRessourceEtat") throws(DomainError) {
        let (resource, fields) = try Self.split(text, attribute: attribute)
        guard fields.count <= 2 else {
            throw .invalidValue(
                attribute: attribute, value: text,
                reason: "expected {RESOURCE}STATE or {RESOURCE}STATE:SUBSTATE (dates belong in supannRessourceEtatDate)"
            )
        }
        let state = try SupannState(text: fields[0], attribute: attribute)
        try self.init(resource: resource, state: state, subState: fields.count > 1 ? fields[1] : nil)
    }

    /// `{RESOURCE}STATE` or `{RESOURCE}STATE:SUBSTATE`.
    public var description: String {
        "{\(resource)}\(state.letter)" + (subState.map { ":\($0)" } ?? "")
    }

    /// Same as `description`: the value to compare with or write to supannRessourceEtat.
    public var ldapValue: String { description }

    init(uncheckedResource resource: String, state: SupannState, subState: String?) {
        self.resource = resource
        self.state = state
        self.subState = subState
    }

    static func validate(resource: String) throws(DomainError) {
        guard !resource.isEmpty, !resource.contains("{"), !resource.contains("}") else {
            throw .invalidValue(attribute: "supann resource", value: resource, reason: "must be non-empty and contain no braces")
        }
    }

    /// Splits `{RESOURCE}rest` into the resource and the `:`-separated fields of `rest`.
    static func split(_ text: String, attribute: String) throws(DomainError) -> (String, [String]) {
        guard text.hasPrefix("{"), let close = text.firstIndex(of: "}") else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected {RESOURCE} at the start")
        }
        let resource = String(text[text.index(after: text.startIndex)..<close])
        guard !resource.isEmpty, !resource.contains("{") else {
            throw .invalidValue(attribute: attribute, value: text, reason: "the resource between braces is empty or malformed")
        }
        let rest = text[text.index(after: close)...]
        let fields = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let first = fields.first, !first.isEmpty else {
            throw .invalidValue(attribute: attribute, value: text, reason: "a state letter must follow {\(resource)}")
        }
        return (resource, fields)
    }
}
