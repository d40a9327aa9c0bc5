extension DistinguishedName {
    /// Parses RFC 4514 text. The empty string is the root DN.
    ///
    /// Accepted beyond the strict grammar, because servers and people produce it: spaces
    /// around `=`, `,` and `+` (RFC 4514 §3 lets parsers be liberal; unescaped trailing spaces
    /// of a value are insignificant). Rejected with a reason: unescaped `"` `;` `<` `>` or
    /// NUL inside a value, a dangling backslash, bad hex pairs, escaped bytes that are not
    /// UTF-8, empty RDNs, and malformed attribute types.
    ///
    /// A `#…` hex value (RFC 4514 §2.4: the BER encoding of the value) is decoded when it is
    /// a BER string type; other BER types have no textual meaning here and are rejected.
    public init(parsing text: String) throws(DomainError) {
        var parser = DNParser(text: text)
        self.init(rdns: try parser.parse())
    }
}

private struct DNParser {
    let text: String
    let bytes: [UInt8]
    var index = 0

    init(text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    // Switches rather than sets: these run for every byte of every DN of a listing.
    private static func isEscapable(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "\\"), UInt8(ascii: " "), UInt8(ascii: "#"), UInt8(ascii: "="): true
        default: false
        }
    }

    private static func mustEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"): true
        default: false
        }
    }

    mutating func parse() throws(DomainError) -> [DistinguishedName.RDN] {
        guard !bytes.isEmpty else { return [] }
        var rdns: [DistinguishedName.RDN] = []
        var parts: [DistinguishedName.AttributeValue] = []
        while true {
            skipSpaces()
            let type = try parseType()
            skipSpaces()
            guard peek == UInt8(ascii: "=") else { throw fail("expected '=' after attribute type \"\(type)\"") }
            index += 1
            skipSpaces()
            let value = try parseValue()
            parts.append(.init(type: type, value: value))
            guard let separator = peek else {
                rdns.append(.init(components: parts))
                return rdns
            }
            index += 1
            if separator == UInt8(ascii: ",") {
                rdns.append(.init(components: parts))
                parts = []
            }
            // parseValue only stops at end, ',' or '+', so '+' is the other case.
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpaces() {
        while peek == UInt8(ascii: " ") { index += 1 }
    }

    private func fail(_ reason: String) -> DomainError {
        .invalidDN(dn: text, reason: "\(reason) (at byte \(index))")
    }

    /// `descr` (letter, then letters/digits/hyphens) or `numericoid` (dotted numbers).
    private mutating func parseType() throws(DomainError) -> String {
        let start = index
        while let byte = peek, Self.isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") {
            index += 1
        }
        let type = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let first = type.utf8.first else {
            throw fail(peek == nil ? "expected an attribute type, found the end (empty RDN)" : "expected an attribute type")
        }
        if Self.isDigit(first) {
            let arcs = type.split(separator: ".", omittingEmptySubsequences: false)
            let valid = arcs.allSatisfy { arc in
                !arc.isEmpty && arc.utf8.allSatisfy(Self.isDigit) && (arc == "0" || arc.first != "0")
            }
            guard valid else { throw fail("\"\(type)\" is not a numeric OID") }
        } else {
            let valid = Self.isAlpha(first) && type.utf8.allSatisfy { Self.isAlnum($0) || $0 == UInt8(ascii: "-") }
            guard valid else { throw fail("\"\(type)\" is not a valid attribute type") }
        }
        return type
    }

    private mutating func parseValue() throws(DomainError) -> String {
        if peek == UInt8(ascii: "#") { return try parseHexValue() }
        var buffer: [UInt8] = []
        // Length of the value without its unescaped trailing spaces.
        var significant = 0
        while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "+") {
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard let next = peek else { throw fail("value ends with a lone backslash") }
                if Self.isHex(next), index + 1 < bytes.count, Self.isHex(bytes[index + 1]) {
                    buffer.append(Self.hexValue(next) << 4 | Self.hexValue(bytes[index + 1]))
                    index += 2
                } else if Self.isEscapable(next) {
                    buffer.append(next)
                    index += 1
                } else {
                    throw fail("backslash must be followed by a special character or two hex digits")
                }
                significant = buffer.count
                continue
            }
            if Self.mustEscape(byte) {
                throw fail("character '\(Character(Unicode.Scalar(byte)))' must be escaped in a value")
            }
            if byte == 0 { throw fail("NUL must be escaped as \\00") }
            buffer.append(byte)
            index += 1
            if byte != UInt8(ascii: " ") { significant = buffer.count }
        }
        guard let value = String(validating: buffer[..<significant], as: UTF8.self) else {
            throw fail("escaped bytes are not valid UTF-8")
        }
        return value
    }

    private mutating func parseHexValue() throws(DomainError) -> String {
        index += 1
        var encoded: [UInt8] = []
        while let high = peek, Self.isHex(high) {
            guard index + 1 < bytes.count, Self.isHex(bytes[index + 1]) else {
                throw fail("hex value has an odd number of digits")
            }
            encoded.append(Self.hexValue(high) << 4 | Self.hexValue(bytes[index + 1]))
            index += 2
        }
        skipSpaces()
        if let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "+") {
            throw fail("unexpected character after a hex value")
        }
        guard let value = Self.decodeBERString(encoded) else {
            throw fail("hex value is not a BER-encoded string")
        }
        return value
    }

    /// OCTET STRING, UTF8String, PrintableString, T61String, IA5String, VisibleString.
    private static let stringTags: Set<UInt8> = [0x04, 0x0C, 0x13, 0x14, 0x16, 0x1A]

    private static func decodeBERString(_ ber: [UInt8]) -> String? {
        guard ber.count >= 2, stringTags.contains(ber[0]) else { return nil }
        var length = Int(ber[1])
        var offset = 2
        if length >= 0x80 {
            let octets = length & 0x7F
            guard (1...3).contains(octets), ber.count >= 2 + octets else { return nil }
            length = ber[2..<(2 + octets)].reduce(0) { $0 << 8 | Int($1) }
            offset = 2 + octets
        }
        guard offset + length == ber.count else { return nil }
        return String(validating: ber[offset...], as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isAlpha(byte) }
    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        default: byte - 0x61 + 10
        }
    }
}
