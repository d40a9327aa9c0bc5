/// An LDAP search filter (RFC 4515), built as a value and rendered with escaping.
///
/// This is the only place in the service where filter text is produced: values are always
/// escaped here, so user input can never change a filter's structure (PHP bug §10 #1).
public indirect enum LDAPFilter: Sendable, Equatable, CustomStringConvertible {
    case equal(String, String)
    case present(String)
    case greaterOrEqual(String, String)
    case lessOrEqual(String, String)
    /// `attr=initial*any1*any2*final`; nil/empty parts are omitted.
    case substring(String, initial: String?, any: [String], final: String?)
    case and([LDAPFilter])
    case or([LDAPFilter])
    case not(LDAPFilter)

    public static func objectClass(_ name: String) -> LDAPFilter { .equal("objectClass", name) }

    public var description: String { rendered }

    public var rendered: String {
        switch self {
        case .equal(let attribute, let value):
            "(\(Self.checked(attribute))=\(Self.escape(value)))"
        case .present(let attribute):
            "(\(Self.checked(attribute))=*)"
        case .greaterOrEqual(let attribute, let value):
            "(\(Self.checked(attribute))>=\(Self.escape(value)))"
        case .lessOrEqual(let attribute, let value):
            "(\(Self.checked(attribute))<=\(Self.escape(value)))"
        case .substring(let attribute, let initial, let any, let final):
            "(\(Self.checked(attribute))=\(Self.escape(initial ?? ""))*"
                + any.map { Self.escape($0) + "*" }.joined()
                + "\(Self.escape(final ?? "")))"
        case .and(let filters):
            "(&" + filters.map(\.rendered).joined() + ")"
        case .or(let filters):
            "(|" + filters.map(\.rendered).joined() + ")"
        case .not(let filter):
            "(!" + filter.rendered + ")"
        }
    }

    /// RFC 4515 §3: the octets NUL, `(`, `)`, `*` and `\` are written as `\` + two hex digits.
    /// Every other octet, UTF-8 multi-byte sequences included, is allowed as is.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\0": out += "\\00"
            case "(": out += "\\28"
            case ")": out += "\\29"
            case "*": out += "\\2a"
            case "\\": out += "\\5c"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Attribute descriptions come from code, never from input; a malformed one is a programming error.
    private static func checked(_ attribute: String) -> String {
        precondition(isValidAttributeDescription(attribute), "invalid LDAP attribute description: \(attribute)")
        return attribute
    }

    static func isValidAttributeDescription(_ text: String) -> Bool {
        // keystring (RFC 4512 §1.4) or numeric OID, each optionally followed by ;options.
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let head = parts.first, !head.isEmpty else { return false }
        let isKeystring = head.first!.isASCII && head.first!.isLetter
            && head.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        let isOID = head.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && head.first!.isNumber
        guard isKeystring || isOID else { return false }
        return parts.dropFirst().allSatisfy { option in
            !option.isEmpty && option.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
