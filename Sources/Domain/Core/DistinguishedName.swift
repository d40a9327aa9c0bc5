/// An RFC 4514 distinguished name. The only way code builds or parses DNs.
///
/// The PHP orchestrator glued DNs together with string concatenation and `str_replace`
/// (spec §10 #25, #36, #41); a value containing `,` or `+` then changed the DN's meaning.
/// Building through `child(_:_:)` / `under(_:)` and printing through `description` escapes
/// every value, so that class of bug cannot come back.
///
/// Equality and hashing ignore the case of attribute types (`CN` = `cn`) and the order of
/// the parts of a multi-valued RDN (an RDN is a set); values are compared exactly.
/// `isDescendant(of:)` additionally ignores the case of values, because the naming
/// attributes used by FusionDirectory (cn, ou, dc, uid) all use caseIgnoreMatch.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One `type=value` pair.
    public struct AttributeValue: Sendable, Hashable {
        public let type: String
        public let value: String

        public init(type: String, value: String) {
            self.type = type
            self.value = value
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.type.lowercased() == rhs.type.lowercased() && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(type.lowercased())
            hasher.combine(value)
        }

        func matchesIgnoringValueCase(_ other: Self) -> Bool {
            type.lowercased() == other.type.lowercased() && value.lowercased() == other.value.lowercased()
        }

        var text: String { "\(type)=\(DistinguishedName.escapeValue(value))" }
    }

    /// A relative distinguished name. FusionDirectory's audit events use multi-valued RDNs
    /// (`fdAuditDateTime=…+fdAuditId=…`) when two events share a timestamp (spec §2).
    public struct RDN: Sendable, Hashable {
        public let components: [AttributeValue]

        public init(_ type: String, _ value: String) {
            self.components = [AttributeValue(type: type, value: value)]
        }

        public init(components: [AttributeValue]) {
            self.components = components
        }

        /// Value of the first component of `type` (case-insensitive), e.g. `rdn.value(of: "cn")`.
        public func value(of type: String) -> String? {
            components.first { $0.type.lowercased() == type.lowercased() }?.value
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.normalised == rhs.normalised
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(normalised)
        }

        /// `type=value` keys with lower-cased types, sorted: an order-free identity.
        private var normalised: [String] {
            // The type cannot contain '=', so "type=value" is unambiguous.
            components.map { "\($0.type.lowercased())=\($0.value)" }.sorted()
        }

        func matchesIgnoringValueCase(_ other: Self) -> Bool {
            guard components.count == other.components.count else { return false }
            // Multi-valued RDNs are sets: every part must find a partner in any order.
            return components.allSatisfy { part in
                other.components.contains { part.matchesIgnoringValueCase($0) }
            }
        }

        var text: String { components.map(\.text).joined(separator: "+") }
    }

    /// Leaf first: `cn=a,ou=tasks,dc=example` has rdns `[cn=a, ou=tasks, dc=example]`.
    public let rdns: [RDN]

    public init(rdns: [RDN]) {
        self.rdns = rdns
    }

    /// The root DN (no RDN), as given by an empty string.
    public static let root = DistinguishedName(rdns: [])

    public var isRoot: Bool { rdns.isEmpty }

    /// RFC 4514 string form, every value escaped with `escapeValue(_:)`.
    public var description: String {
        rdns.map(\.text).joined(separator: ",")
    }

    /// A DN one level below this one.
    public func child(_ type: String, _ value: String) -> DistinguishedName {
        DistinguishedName(rdns: [RDN(type, value)] + rdns)
    }

    /// This (relative) name placed below `base`: `ou=tasks` under `dc=example` → `ou=tasks,dc=example`.
    public func under(_ base: DistinguishedName) -> DistinguishedName {
        DistinguishedName(rdns: rdns + base.rdns)
    }

    /// The DN one level up; nil for the root DN.
    public var parent: DistinguishedName? {
        isRoot ? nil : DistinguishedName(rdns: Array(rdns.dropFirst()))
    }

    /// The leaf RDN; nil for the root DN.
    public var rdn: RDN? { rdns.first }

    /// True when `ancestor` is a strict ancestor of this DN (a DN is not its own descendant).
    /// Types and values are compared case-insensitively, matching caseIgnoreMatch.
    public func isDescendant(of ancestor: DistinguishedName) -> Bool {
        guard rdns.count > ancestor.rdns.count else { return false }
        let tail = rdns.suffix(ancestor.rdns.count)
        return zip(tail, ancestor.rdns).allSatisfy { $0.matchesIgnoringValueCase($1) }
    }

    /// Escapes an attribute value per RFC 4514 §2.4: `"` `+` `,` `;` `<` `>` `\` get a
    /// backslash, a leading space or `#` and a trailing space are escaped, NUL becomes `\00`.
    public static func escapeValue(_ value: String) -> String {
        // Most values need nothing: answer them as they are (listings print thousands of DNs).
        guard needsEscaping(value) else { return value }
        let scalars = Array(value.unicodeScalars)
        var out = ""
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\"", "+", ",", ";", "<", ">", "\\":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "\0":
                out += "\\00"
            case " " where index == 0 || index == scalars.count - 1:
                out += "\\ "
            case "#" where index == 0:
                out += "\\#"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether `escapeValue` changes `value`. Every character it escapes is ASCII, and a UTF-8
    /// byte below 0x80 is always a whole ASCII character, so the bytes tell.
    private static func needsEscaping(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "#") || last == UInt8(ascii: " ") { return true }
        return utf8.contains { byte in
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"), 0: true
            default: false
            }
        }
    }
}
