import Foundation
@testable import HTTPAdapter
import Testing

/// `SortedJSONEncoder` must write exactly what `JSONEncoder` writes with sorted keys and
/// unescaped slashes, the format of every other response. No service is contacted.
@Suite struct SortedJSONEncoderTests {
    static func both<T: Encodable>(_ value: T) throws -> (sorted: String, foundation: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (String(decoding: try SortedJSONEncoder().encode(value), as: UTF8.self), String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Keys declared out of order, nulls written explicitly, nested objects and lists, empty ones.
    struct Sample: Encodable {
        let zeta: String
        let alpha: Int
        let list: [Int]
        let optional: String?
        let nested: [Nested]
        let nothing: Empty
        let flags: [Bool]
        let big: Int64
        let negative: Int

        struct Nested: Encodable {
            let b: String?
            let a: [String]
            let bB: UInt8
            let aA: Bool

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(b, forKey: .b)  // nil: null, as the response types write it
                try container.encode(a, forKey: .a)
                try container.encode(bB, forKey: .bB)
                try container.encode(aA, forKey: .aA)
            }

            enum CodingKeys: String, CodingKey { case b, a, bB, aA }
        }

        struct Empty: Encodable {}
    }

    @Test func objectsListsAndScalarsAreWhatJSONEncoderWrites() throws {
        let sample = Sample(
            zeta: "z", alpha: 1, list: [3, 2, 1], optional: nil,
            nested: [.init(b: nil, a: ["x", "y"], bB: 255, aA: true), .init(b: "b", a: [], bB: 0, aA: false)],
            nothing: .init(), flags: [true, false], big: .max, negative: -42
        )
        let (sorted, foundation) = try Self.both(sample)
        #expect(sorted == foundation)
        #expect(sorted.hasPrefix(#"{"alpha":1,"big":9223372036854775807,"flags":[true,false],"list":[3,2,1],"negative":-42,"nested":[{"a":["x","y"],"aA":true,"b":null,"bB":255}"#))
        #expect(try Self.both([Sample.Empty()]) == (sorted: "[{}]", foundation: "[{}]"))
        #expect(try Self.both([[String]]()).sorted == "[]")
    }

    @Test func stringsAreEscapedAsJSONEncoderEscapesThem() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let corpus = [
            controls, #"quote " backslash \ slash /"#, "cn=a\\,b+c,ou=tasks,dc=example,dc=org", "\u{7F} del",
            "émile.faure@example.org", "日本語", "emoji 🙂", "\u{2028}\u{2029}", "", "{COMPTE}A:SupannActif",
        ]
        let (sorted, foundation) = try Self.both(corpus)
        #expect(sorted == foundation)
        // Keys are escaped the same way.
        let (keys, foundationKeys) = try Self.both(["b\"key": 1, "a\\key": 2, "a/key": 3, "é": 4, "Z": 5])
        #expect(keys == foundationKeys)
    }

    struct Unsorted: Encodable {
        let second: String
        let first: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(second, forKey: .second)
            try container.encode(first, forKey: .first)
            try container.encode("again", forKey: .second)  // a key written twice: the last value stays
        }

        enum CodingKeys: String, CodingKey { case second, first }
    }

    @Test func membersWrittenOutOfOrderOrTwiceAreSortedLikeADictionary() throws {
        let (sorted, foundation) = try Self.both(Unsorted(second: "2", first: "1"))
        #expect(sorted == foundation)
        #expect(sorted == #"{"first":"1","second":"again"}"#)
    }

    struct Floating: Encodable { let value: Double }

    struct Nesting: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            var nested = container.nestedUnkeyedContainer(forKey: .list)
            try nested.encode(1)
        }

        enum CodingKeys: String, CodingKey { case list }
    }

    @Test func whatItDoesNotSupportIsAnErrorNotOtherBytes() {
        #expect(throws: EncodingError.self) { try SortedJSONEncoder().encode(Floating(value: 1.5)) }
        #expect(throws: EncodingError.self) { try SortedJSONEncoder().encode(Nesting()) }
    }
}

/// Any JSON document, decoded and encoded again through `Codable`: `TaskAPITests` checks that
/// the task responses are byte for byte what `JSONEncoder` writes for the same content.
enum AnyJSON: Codable, Equatable {
    case null, bool(Bool), int(Int), string(String), array([AnyJSON]), object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([AnyJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: AnyJSON].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// What `JSONEncoder` with sorted keys and unescaped slashes writes for `bytes`' content.
    static func reencoded(_ bytes: Data) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(try JSONDecoder().decode(AnyJSON.self, from: bytes))
    }
}
