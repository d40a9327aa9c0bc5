/// A raw directory record as an adapter read it.
///
/// LDAP attribute names are case-insensitive, so keys are stored lower-cased (which is also
/// what the PHP orchestrator saw through `ldap_get_entries`). Values stay raw bytes: some
/// attributes are OctetString (mail template bodies, attachments) and must not be decoded.
public struct DirectoryEntry: Sendable, Equatable {
    public let dn: String
    private let attributes: [String: [[UInt8]]]

    /// Keys differing only in case are merged, values kept in the order given.
    public init(dn: String, attributes: [String: [[UInt8]]]) {
        self.dn = dn
        var merged: [String: [[UInt8]]] = [:]
        // Sorting makes the merge order deterministic when two spellings of one name appear.
        for key in attributes.keys.sorted() {
            merged[key.lowercased(), default: []].append(contentsOf: attributes[key] ?? [])
        }
        self.attributes = merged
    }

    /// Convenience for tests and for adapters that already hold text.
    public init(dn: String, stringAttributes: [String: [String]]) {
        self.init(dn: dn, attributes: stringAttributes.mapValues { $0.map { Array($0.utf8) } })
    }

    /// Raw values of `attribute` (any case); empty when absent.
    public func values(_ attribute: String) -> [[UInt8]] {
        attributes[attribute.lowercased()] ?? []
    }

    /// Values as text. Invalid UTF-8 is repaired with U+FFFD rather than rejected: a damaged
    /// byte in one value must not hide the whole entry.
    public func strings(_ attribute: String) -> [String] {
        values(attribute).map { String(decoding: $0, as: UTF8.self) }
    }

    /// First value as text, if any.
    public func string(_ attribute: String) -> String? {
        strings(attribute).first
    }

    /// Whether the attribute is present with at least one value.
    public func has(_ attribute: String) -> Bool {
        !values(attribute).isEmpty
    }

    /// Lower-cased attribute names, sorted.
    public var attributeNames: [String] {
        attributes.keys.sorted()
    }

    /// The `objectClass` values.
    public var objectClasses: [String] {
        strings("objectClass")
    }
}
