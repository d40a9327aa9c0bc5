import Foundation

/// Formatting of outgoing mail: addresses, RFC 2047 words, dates, the quoted-printable text body.
enum MIMEHeaders {
    /// A plain `local@domain` mailbox: printable ASCII, no spaces, brackets, commas or line breaks.
    /// Anything else is refused before it can reach an SMTP command or a header.
    static func isValidAddress(_ address: String) -> Bool {
        guard address.utf8.count <= 254, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".") else { return false }
        let forbidden: Set<Character> = [" ", "<", ">", ",", ";", ":", "(", ")", "[", "]", "\\", "\"", "@"]
        return local.allSatisfy { $0.isASCII && !$0.isNewline && !forbidden.contains($0) && $0.asciiValue! > 32 && $0.asciiValue! < 127 }
            && domain.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    /// An unstructured header value (Subject): kept as is when printable ASCII, else RFC 2047
    /// base64 encoded-words of at most 75 characters each, split on character boundaries.
    static func encodedWords(_ text: String) -> String {
        let flattened = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if flattened.allSatisfy({ $0.isASCII && ($0 == " " || ($0.asciiValue! > 32 && $0.asciiValue! < 127)) }), !flattened.contains("=?") {
            return flattened
        }
        // "=?UTF-8?B?" + "?=" is 12 characters: 63 base64 characters remain, i.e. 45 bytes.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in flattened {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 5322 date, e.g. `Sun, 22 Nov 2026 18:00:00 +0000`.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// Text bodies travel with CRLF line ends, whatever the caller used.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// RFC 2045 quoted-printable of a text body: CRLF line ends (LF and CRLF both end a line),
    /// soft breaks keep lines within 76 characters. A `.` opening a line is written `=2E`, so no
    /// line of the data starts with a dot and SMTP dot-stuffing never changes its size:
    /// `CurlSMTPSession` compares the bytes sent with the size of the message. (Encoded here and
    /// not by curl's encoder because curl cannot tell the size of a quoted-printable part.)
    static func quotedPrintable(_ text: String) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        let lines = Array(crlf(text).utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var out: [UInt8] = []
        for (number, rawLine) in lines.enumerated() {
            if number > 0 { out += [13, 10] }
            let line = rawLine.last == 13 ? rawLine.dropLast() : rawLine[...]
            var column = 0
            for (index, byte) in zip(line.indices, line) {
                let isLast = index == line.index(before: line.endIndex)
                var literal = (33...126).contains(byte) && byte != UInt8(ascii: "=") || (byte == 32 || byte == 9) && !isLast
                if column + (literal ? 1 : 3) > 75 {
                    out += [UInt8(ascii: "="), 13, 10]
                    column = 0
                }
                if byte == UInt8(ascii: "."), column == 0 { literal = false }
                if literal {
                    out.append(byte)
                    column += 1
                } else {
                    out += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                    column += 3
                }
            }
        }
        return out
    }
}
