import Foundation

/// Header-level formatting of outgoing mail: addresses, RFC 2047 words, dates.
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

    /// Text bodies travel with CRLF line ends: curl's quoted-printable encoder would otherwise
    /// encode a bare LF as `=0A` and the mail would show as one line.
    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }
}
