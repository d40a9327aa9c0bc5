/// Writes an `Encodable` as the bytes `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`
/// (keys in UTF-8 order, the escapes of swift-foundation's writer), straight into one buffer.
///
/// Why it exists: `JSONEncoder` first builds a tree of boxed values (a dictionary per object),
/// then sorts and writes it. For `GET /api/tasks/{kind}` with 10,000 sub-tasks that was a quarter
/// of the service's CPU time, and `scripts/bench tasks` stayed near or under its target (half the
/// rate of the bare LDAP searches) with it. Here each member is written where it stays; an object
/// whose members did not arrive in key order is reordered when its `encode(to:)` returns.
///
/// Deliberately small: strings, integers, booleans, null, keyed, unkeyed and single-value
/// containers: what the response types use. Floating-point numbers, nested containers and
/// `superEncoder` are refused with an `EncodingError`; `codingPath` is always empty.
/// `SortedJSONEncoderTests` and `TaskAPITests` check that it writes the bytes `JSONEncoder` writes.
/// A value that writes its own members, in key order, straight into `SortedJSONEncoder`'s buffer:
/// the thousands of sub-tasks of a listing then skip the `Encoder` containers (an existential box,
/// a member record and a key String per value, a third of a listing's CPU time). Its
/// `encode(to:)` stays, for `JSONEncoder` and for the tests that compare the two.
protocol SortedJSONWritable: Encodable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) throws
}

struct SortedJSONEncoder {
    /// Bytes reserved up front: a listing of 10,000 sub-tasks (about 5 MB) would otherwise be
    /// copied at every doubling of the buffer.
    var reservedCapacity = 64 * 1024

    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let output = Output(reservingCapacity: reservedCapacity)
        try output.write(value)
        return output.bytes
    }

    /// The buffer and the containers being written, innermost last.
    ///
    /// The state sits behind a pointer: as stored properties of a class, every append would pay
    /// a dynamic exclusivity check (a quarter of this encoder's time in the listing's profile).
    final class Output {
        struct Frame {
            let isObject: Bool
            /// Where `{` or `[` is.
            let start: Int
            /// The first of this object's entries in `members`.
            let firstMember: Int
            /// The depth of the `write` call that opened it.
            let owner: Int
            var count = 0
        }

        struct Member {
            let key: String
            /// `"key":value`, without the separating comma.
            let start: Int
            var end: Int
        }

        struct State {
            var bytes: [UInt8] = []
            var frames: [Frame] = []
            /// The members of the open objects, in the order they were written.
            var members: [Member] = []
            var depth = 0
            /// Set by what `Encoder` and its containers cannot throw from; `write` throws it.
            var refused: String?
        }

        private let state: UnsafeMutablePointer<State>

        init(reservingCapacity capacity: Int = 64 * 1024) {
            state = .allocate(capacity: 1)
            state.initialize(to: State())
            state.pointee.bytes.reserveCapacity(capacity)
        }

        deinit {
            state.deinitialize(count: 1)
            state.deallocate()
        }

        var bytes: [UInt8] { state.pointee.bytes }

        func write<T: Encodable>(_ value: T) throws {
            if let writable = value as? any SortedJSONWritable {
                try object(writable)
                return
            }
            state.pointee.depth += 1
            let depth = state.pointee.depth
            defer { state.pointee.depth -= 1 }
            let framesBefore = state.pointee.frames.count
            let bytesBefore = state.pointee.bytes.count
            try value.encode(to: ValueEncoder(output: self, depth: depth))
            if let refused = state.pointee.refused { throw Self.unsupported(refused) }
            let frames = state.pointee.frames.count
            if frames == framesBefore + 1, state.pointee.frames[framesBefore].owner == depth {
                close()
            } else if frames != framesBefore {
                throw Self.unsupported("a value left more than one container open")
            } else if state.pointee.bytes.count == bytesBefore {
                append("{}")  // JSONEncoder writes a value that encoded nothing as an empty object
            }
        }

        func refuse(_ what: String) {
            if state.pointee.refused == nil { state.pointee.refused = what }
        }

        /// The container that `encode(to:)` at `depth` asked for: opened on the first request, the same one after.
        func open(object: Bool, depth: Int) {
            if let last = state.pointee.frames.last, last.owner == depth {
                if last.isObject != object { refuse("a value asked for two kinds of container") }
                return
            }
            state.pointee.frames.append(Frame(isObject: object, start: state.pointee.bytes.count, firstMember: state.pointee.members.count, owner: depth))
            state.pointee.bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        }

        /// A comma before every element but the first of the container opened at `depth`.
        func separate(depth: Int) -> Bool {
            guard let last = state.pointee.frames.last, last.owner == depth else {
                refuse("a container was used after another one was opened")
                return false
            }
            if last.count > 0 { state.pointee.bytes.append(UInt8(ascii: ",")) }
            state.pointee.frames[state.pointee.frames.count - 1].count += 1
            return true
        }

        func beginMember(_ key: some CodingKey, depth: Int) -> Bool {
            guard separate(depth: depth) else { return false }
            let name = key.stringValue
            state.pointee.members.append(Member(key: name, start: state.pointee.bytes.count, end: 0))
            string(name)
            state.pointee.bytes.append(UInt8(ascii: ":"))
            return true
        }

        func endMember() {
            state.pointee.members[state.pointee.members.count - 1].end = state.pointee.bytes.count
        }

        private func close() {
            let frame = state.pointee.frames.removeLast()
            guard frame.isObject else {
                state.pointee.bytes.append(UInt8(ascii: "]"))
                return
            }
            let entries = state.pointee.members[frame.firstMember...]
            let inOrder = zip(entries, entries.dropFirst()).allSatisfy { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            if !inOrder { reorder(Array(entries), objectStart: frame.start) }
            state.pointee.members.removeSubrange(frame.firstMember...)
            state.pointee.bytes.append(UInt8(ascii: "}"))
        }

        /// Rewrites the object's members sorted by key; of members sharing a key the last one
        /// stays, as in JSONEncoder's dictionary. Types whose `encode(to:)` writes its keys in
        /// order never get here.
        private func reorder(_ entries: [Member], objectStart: Int) {
            let base = objectStart + 1
            let written = Array(state.pointee.bytes[base...])
            let order = entries.indices.sorted { i, j in
                entries[i].key == entries[j].key ? i < j : entries[i].key.utf8.lexicographicallyPrecedes(entries[j].key.utf8)
            }
            var sorted: [Member] = []
            for entry in order.map({ entries[$0] }) {
                if let last = sorted.last, last.key == entry.key { sorted[sorted.count - 1] = entry } else { sorted.append(entry) }
            }
            state.pointee.bytes.removeSubrange(base...)
            for (index, entry) in sorted.enumerated() {
                if index > 0 { state.pointee.bytes.append(UInt8(ascii: ",")) }
                state.pointee.bytes.append(contentsOf: written[(entry.start - base)..<(entry.end - base)])
            }
        }

        /// An object whose members the value writes itself, in key order.
        func object(_ value: some SortedJSONWritable) throws {
            state.pointee.bytes.append(UInt8(ascii: "{"))
            var members = ObjectWriter(output: self)
            try value.write(to: &members)
            state.pointee.bytes.append(UInt8(ascii: "}"))
        }

        /// `"name":`, after a comma unless it is the object's first member.
        fileprivate func key(_ name: StaticString, first: Bool) {
            if !first { state.pointee.bytes.append(UInt8(ascii: ",")) }
            state.pointee.bytes.append(UInt8(ascii: "\""))
            append(name)
            state.pointee.bytes.append(UInt8(ascii: "\""))
            state.pointee.bytes.append(UInt8(ascii: ":"))
        }

        fileprivate func separator() { state.pointee.bytes.append(UInt8(ascii: ",")) }
        fileprivate func bracket(open: Bool) { state.pointee.bytes.append(open ? UInt8(ascii: "[") : UInt8(ascii: "]")) }

        // MARK: - scalars

        private func append(_ text: StaticString) {
            state.pointee.bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        func null() { append("null") }

        func strings(_ values: [String]) {
            state.pointee.bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { state.pointee.bytes.append(UInt8(ascii: ",")) }
                string(value)
            }
            state.pointee.bytes.append(UInt8(ascii: "]"))
        }

        func bool(_ value: Bool) { value ? append("true") : append("false") }

        func integer<I: BinaryInteger & CustomStringConvertible>(_ value: I) { state.pointee.bytes.append(contentsOf: value.description.utf8) }

        /// RFC 8259 §7 as swift-foundation writes it: `"` and `\` escaped, `\b \f \n \r \t`, other
        /// control characters as `\u00XX`; `/` and everything from 0x7F on as they are.
        func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                state.pointee.bytes.append(UInt8(ascii: "\""))
                if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                    state.pointee.bytes.append(contentsOf: utf8)
                } else {
                    for byte in utf8 { escaped(byte) }
                }
                state.pointee.bytes.append(UInt8(ascii: "\""))
            }
        }

        private func escaped(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                append("\\u00")
                state.pointee.bytes.append(hex.utf8Start[Int(byte >> 4)])
                state.pointee.bytes.append(hex.utf8Start[Int(byte & 0xF)])
            default: state.pointee.bytes.append(byte)
            }
        }

        static func unsupported(_ what: String) -> EncodingError {
            .invalidValue((), .init(codingPath: [], debugDescription: "SortedJSONEncoder: \(what)"))
        }
    }

    /// The members of an object a `SortedJSONWritable` writes: each call writes one, right after
    /// the previous one. Keys are plain ASCII names (nothing to escape); debug builds check that
    /// they come in UTF-8 order, the order `JSONEncoder` with `.sortedKeys` writes.
    struct ObjectWriter {
        fileprivate let output: Output
        private var count = 0
        #if DEBUG
        private var lastKey: String?
        #endif

        fileprivate init(output: Output) {
            self.output = output
        }

        private mutating func key(_ name: StaticString) {
            #if DEBUG
            let text = name.description
            assert(lastKey.map { $0.utf8.lexicographicallyPrecedes(text.utf8) } ?? true, "SortedJSONWritable: key \(text) after \(lastKey ?? "")")
            lastKey = text
            #endif
            output.key(name, first: count == 0)
            count += 1
        }

        mutating func string(_ name: StaticString, _ value: String?) {
            key(name)
            if let value { output.string(value) } else { output.null() }
        }

        mutating func integer(_ name: StaticString, _ value: Int?) {
            key(name)
            if let value { output.integer(value) } else { output.null() }
        }

        mutating func bool(_ name: StaticString, _ value: Bool?) {
            key(name)
            if let value { output.bool(value) } else { output.null() }
        }

        mutating func strings(_ name: StaticString, _ values: [String]) {
            key(name)
            output.strings(values)
        }

        mutating func object(_ name: StaticString, _ value: some SortedJSONWritable) throws {
            key(name)
            try output.object(value)
        }

        mutating func objects<T: SortedJSONWritable>(_ name: StaticString, _ values: [T]) throws {
            key(name)
            output.bracket(open: true)
            for (index, value) in values.enumerated() {
                if index > 0 { output.separator() }
                try output.object(value)
            }
            output.bracket(open: false)
        }

        /// A list of `values` each written as `transform` makes it, one at a time.
        mutating func objects<Value, T: SortedJSONWritable>(_ name: StaticString, _ values: [Value], as transform: (Value) -> T) throws {
            key(name)
            output.bracket(open: true)
            for (index, value) in values.enumerated() {
                if index > 0 { output.separator() }
                try output.object(transform(value))
            }
            output.bracket(open: false)
        }

        /// Any other value, through `encode(to:)`; nil as null.
        mutating func encoded(_ name: StaticString, _ value: (some Encodable)?) throws {
            key(name)
            if let value { try output.write(value) } else { output.null() }
        }
    }

    private struct ValueEncoder: Encoder {
        let output: Output
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            output.open(object: true, depth: depth)
            return KeyedEncodingContainer(ObjectContainer<Key>(output: output, depth: depth))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            output.open(object: false, depth: depth)
            return ArrayContainer(output: output, depth: depth)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            ValueContainer(output: output)
        }

        /// What a refused nested container or super-encoder writes to: a scratch buffer.
        static func refused(_ what: String, by output: Output) -> ValueEncoder {
            output.refuse(what)
            return ValueEncoder(output: Output(), depth: 1)
        }
    }

    private struct ObjectContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let output: Output
        let depth: Int
        var codingPath: [any CodingKey] { [] }

        private func member(_ key: Key, _ body: () throws -> Void) rethrows {
            guard output.beginMember(key, depth: depth) else { return }
            try body()
            output.endMember()
        }

        mutating func encodeNil(forKey key: Key) throws { member(key) { output.null() } }
        mutating func encode(_ value: Bool, forKey key: Key) throws { member(key) { output.bool(value) } }
        mutating func encode(_ value: String, forKey key: Key) throws { member(key) { output.string(value) } }
        mutating func encode(_ value: Int, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: Int8, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: Int16, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: Int32, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: Int64, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: UInt, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key) { output.integer(value) } }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw Output.unsupported("floating-point numbers") }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Output.unsupported("floating-point numbers") }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            // Lists of strings (DNs, addresses, problems) are most of a listing's values: written
            // in one go rather than element by element through the generic containers.
            if T.self == [String].self, let strings = value as? [String] {
                member(key) { output.strings(strings) }
            } else {
                try member(key) { try output.write(value) }
            }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoder.refused("nested containers", by: output).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            ValueEncoder.refused("nested containers", by: output).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder.refused("superEncoder", by: output) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder.refused("superEncoder", by: output) }
    }

    private struct ArrayContainer: UnkeyedEncodingContainer {
        let output: Output
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        private(set) var count = 0

        init(output: Output, depth: Int) {
            self.output = output
            self.depth = depth
        }

        private mutating func element(_ body: (Output) throws -> Void) rethrows {
            guard output.separate(depth: depth) else { return }
            count += 1
            try body(output)
        }

        mutating func encodeNil() throws { element { $0.null() } }
        mutating func encode(_ value: Bool) throws { element { $0.bool(value) } }
        mutating func encode(_ value: String) throws { element { $0.string(value) } }
        mutating func encode(_ value: Int) throws { element { $0.integer(value) } }
        mutating func encode(_ value: Int8) throws { element { $0.integer(value) } }
        mutating func encode(_ value: Int16) throws { element { $0.integer(value) } }
        mutating func encode(_ value: Int32) throws { element { $0.integer(value) } }
        mutating func encode(_ value: Int64) throws { element { $0.integer(value) } }
        mutating func encode(_ value: UInt) throws { element { $0.integer(value) } }
        mutating func encode(_ value: UInt8) throws { element { $0.integer(value) } }
        mutating func encode(_ value: UInt16) throws { element { $0.integer(value) } }
        mutating func encode(_ value: UInt32) throws { element { $0.integer(value) } }
        mutating func encode(_ value: UInt64) throws { element { $0.integer(value) } }
        mutating func encode(_ value: Double) throws { throw Output.unsupported("floating-point numbers") }
        mutating func encode(_ value: Float) throws { throw Output.unsupported("floating-point numbers") }
        mutating func encode<T: Encodable>(_ value: T) throws { try element { try $0.write(value) } }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            ValueEncoder.refused("nested containers", by: output).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            ValueEncoder.refused("nested containers", by: output).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { ValueEncoder.refused("superEncoder", by: output) }
    }

    private struct ValueContainer: SingleValueEncodingContainer {
        let output: Output
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { output.null() }
        mutating func encode(_ value: Bool) throws { output.bool(value) }
        mutating func encode(_ value: String) throws { output.string(value) }
        mutating func encode(_ value: Int) throws { output.integer(value) }
        mutating func encode(_ value: Int8) throws { output.integer(value) }
        mutating func encode(_ value: Int16) throws { output.integer(value) }
        mutating func encode(_ value: Int32) throws { output.integer(value) }
        mutating func encode(_ value: Int64) throws { output.integer(value) }
        mutating func encode(_ value: UInt) throws { output.integer(value) }
        mutating func encode(_ value: UInt8) throws { output.integer(value) }
        mutating func encode(_ value: UInt16) throws { output.integer(value) }
        mutating func encode(_ value: UInt32) throws { output.integer(value) }
        mutating func encode(_ value: UInt64) throws { output.integer(value) }
        mutating func encode(_ value: Double) throws { throw Output.unsupported("floating-point numbers") }
        mutating func encode(_ value: Float) throws { throw Output.unsupported("floating-point numbers") }
        mutating func encode<T: Encodable>(_ value: T) throws { try output.write(value) }
    }
}
