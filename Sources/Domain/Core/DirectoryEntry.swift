/// A raw directory record as an adapter read it.
///
/// LDAP attribute names are case-insensitive, so keys are stored lower-cased (which is also
/// what the PHP orchestrator saw through `ldap_get_entries`). Values stay raw bytes: some
/// attributes are OctetString (mail template bodies, attachments) and must not be decoded.
public struct DirectoryEntry: Sendable, Equatable {
    public let dn: String
    private let attributes: [AttributeName: [[UInt8]]]

    /// Keys differing only in case are merged, values kept in the order given.
    public init(dn: String, attributes: [String: [[UInt8]]]) {
        self.dn = dn
        var merged: [AttributeName: [[UInt8]]] = [:]
        merged.reserveCapacity(attributes.count)
        for (key, values) in attributes { merged[AttributeName(key)] = values }
        if merged.count < attributes.count {
            // Two spellings of one name: merge in sorted order, so the result is deterministic.
            merged.removeAll(keepingCapacity: true)
            for key in attributes.keys.sorted() { merged[AttributeName(key), default: []].append(contentsOf: attributes[key] ?? []) }
        }
        self.attributes = merged
    }

    /// As the adapter reads them: names in the server's order, one spelling or several (merged,
    /// in the order given). One dictionary is built, nothing is sorted.
    public init(dn: String, reading pairs: [(name: String, values: [[UInt8]])]) {
        self.dn = dn
        var merged: [AttributeName: [[UInt8]]] = [:]
        merged.reserveCapacity(pairs.count)
        for (name, values) in pairs { merged[AttributeName(name), default: []].append(contentsOf: values) }
        attributes = merged
    }

    /// Convenience for tests and for adapters that already hold text.
    public init(dn: String, stringAttributes: [String: [String]]) {
        self.init(dn: dn, attributes: stringAttributes.mapValues { $0.map { Array($0.utf8) } })
    }

    /// Raw values of `attribute` (any case); empty when absent.
    public func values(_ attribute: String) -> [[UInt8]] {
        attributes[AttributeName(attribute)] ?? []
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
        attributes.keys.map { $0.text.lowercased() }.sorted()
    }

    /// The `objectClass` values.
    public var objectClasses: [String] {
        strings("objectClass")
    }
}

/// An attribute name that compares and hashes ignoring ASCII case (LDAP names are ASCII), so
/// neither storing nor looking up a value allocates a lower-cased copy: entries are read by the
/// ten thousand.
struct AttributeName: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    private static func fold(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8) { fold($0) == fold($1) }
    }

    /// FNV-1a of the folded bytes, handed to the hasher once.
    func hash(into hasher: inout Hasher) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(Self.fold(byte))) &* 0x0000_0100_0000_01b3 }
        hasher.combine(hash)
    }
}
