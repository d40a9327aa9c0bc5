/// A raw directory record as an adapter read it.
///
/// LDAP attribute names are case-insensitive, so lookups fold ASCII case (and `attributeNames`
/// lists them lower-cased, which is also what the PHP orchestrator saw through
/// `ldap_get_entries`). Values stay raw bytes: some attributes are OctetString (mail template
/// bodies, attachments) and must not be decoded.
///
/// Listings read entries by the ten thousand, so an entry is three flat arrays (its attributes,
/// the end of each value, every value's bytes one after the other) instead of a dictionary of
/// arrays of arrays: building one costs a few allocations instead of one per value, and a lookup
/// compares a dozen short names instead of hashing.
public struct DirectoryEntry: Sendable {
    public let dn: String
    /// One per attribute as given, in that order; two spellings of one name are two slots.
    private var slots: [Slot] = []
    /// Where each value ends in `bytes`; value `i` starts where value `i - 1` ends (or at 0).
    /// 32 bits: an entry is far below 4 GiB (slapd's own limit on a message is 2 GiB).
    private var ends: [UInt32] = []
    private var bytes: [UInt8] = []

    private struct Slot: Sendable {
        let name: String
        let firstValue: UInt32
        var valueCount: UInt32
    }

    private init(dn: String) {
        self.dn = dn
    }

    /// Keys differing only in case are merged, values kept in the order given (several
    /// spellings of one name in sorted order, so the result is deterministic).
    public init(dn: String, attributes: [String: [[UInt8]]]) {
        var builder = Builder(dn: dn)
        for key in attributes.keys.sorted() {
            builder.beginAttribute(key)
            for value in attributes[key] ?? [] { builder.appendValue(value) }
        }
        self = builder.build()
    }

    /// As the adapter reads them: names in the server's order, one spelling or several (merged,
    /// in the order given).
    public init(dn: String, reading pairs: [(name: String, values: [[UInt8]])]) {
        var builder = Builder(dn: dn)
        for (name, values) in pairs {
            builder.beginAttribute(name)
            for value in values { builder.appendValue(value) }
        }
        self = builder.build()
    }

    /// Convenience for tests and for adapters that already hold text.
    public init(dn: String, stringAttributes: [String: [String]]) {
        self.init(dn: dn, attributes: stringAttributes.mapValues { $0.map { Array($0.utf8) } })
    }

    /// Builds an entry attribute by attribute, value by value, without intermediate arrays
    /// (what an adapter reading a search result wants).
    public struct Builder {
        private var entry: DirectoryEntry

        /// The capacities are hints (an adapter passes the previous entry's sizes).
        public init(dn: String, attributes: Int = 0, values: Int = 0, bytes: Int = 0) {
            entry = DirectoryEntry(dn: dn)
            entry.slots.reserveCapacity(attributes)
            entry.ends.reserveCapacity(values)
            entry.bytes.reserveCapacity(bytes)
        }

        /// Starts the next attribute; the values appended after belong to it.
        public mutating func beginAttribute(_ name: String) {
            entry.slots.append(Slot(name: name, firstValue: UInt32(entry.ends.count), valueCount: 0))
        }

        public mutating func appendValue(_ value: UnsafeRawBufferPointer) {
            entry.bytes.append(contentsOf: value)
            closeValue()
        }

        public mutating func appendValue(_ value: [UInt8]) {
            entry.bytes.append(contentsOf: value)
            closeValue()
        }

        private mutating func closeValue() {
            precondition(!entry.slots.isEmpty, "a value before any attribute")
            entry.ends.append(UInt32(entry.bytes.count))
            entry.slots[entry.slots.count - 1].valueCount += 1
        }

        public func build() -> DirectoryEntry { entry }
    }

    // MARK: - reading

    /// Raw values of `attribute` (any case); empty when absent.
    public func values(_ attribute: String) -> [[UInt8]] {
        var result: [[UInt8]] = []
        forEachValue(of: attribute) { result.append(Array($0)) }
        return result
    }

    /// Values as text. Invalid UTF-8 is repaired with U+FFFD rather than rejected: a damaged
    /// byte in one value must not hide the whole entry.
    public func strings(_ attribute: String) -> [String] {
        var result: [String] = []
        forEachValue(of: attribute) { result.append(String(decoding: $0, as: UTF8.self)) }
        return result
    }

    /// First value as text, if any.
    public func string(_ attribute: String) -> String? {
        firstString(attribute).first
    }

    /// The first value as text (repaired like `strings`) and how many values there are, without
    /// building the list: most attributes hold one value and are read once.
    public func firstString(_ attribute: String) -> (first: String?, count: Int) {
        var first: String?
        var count = 0
        forEachValue(of: attribute) { value in
            if count == 0 { first = String(decoding: value, as: UTF8.self) }
            count += 1
        }
        return (first, count)
    }

    /// Whether the attribute is present with at least one value.
    public func has(_ attribute: String) -> Bool {
        slots.contains { $0.valueCount > 0 && Self.sameName($0.name, attribute) }
    }

    /// Lower-cased attribute names, sorted.
    public var attributeNames: [String] {
        Set(slots.map { $0.name.lowercased() }).sorted()
    }

    /// The `objectClass` values.
    public var objectClasses: [String] {
        strings("objectClass")
    }

    /// Calls `body` with each value of `attribute`, in order, across every spelling of its name.
    private func forEachValue(of attribute: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            for slot in slots where slot.valueCount > 0 && Self.sameName(slot.name, attribute) {
                for index in Int(slot.firstValue)..<Int(slot.firstValue + slot.valueCount) {
                    let start = index == 0 ? 0 : Int(ends[index - 1])
                    body(UnsafeBufferPointer(rebasing: buffer[start..<Int(ends[index])]))
                }
            }
        }
    }

    @inline(__always) private static func fold(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// LDAP attribute names are ASCII and compare ignoring case. Names of one entry mostly share
    /// a prefix (`fdTasksGranular…`), so the bytes are compared from the end.
    private static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                var index = left.count
                while index > 0 {
                    index -= 1
                    let (a, b) = (left[index], right[index])
                    if a != b, fold(a) != fold(b) { return false }
                }
                return true
            }
        }
    }
}

extension DirectoryEntry: Equatable {
    /// The same DN text and, per attribute name (any case), the same values in the same order.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.dn == rhs.dn else { return false }
        let names = lhs.attributeNames
        guard names == rhs.attributeNames else { return false }
        return names.allSatisfy { lhs.values($0) == rhs.values($0) }
    }
}
