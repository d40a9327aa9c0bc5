import Application
import Foundation

/// What FusionDirectory answered to one HTTP exchange: its status and body.
struct FusionDirectoryAnswer: Sendable {
    let status: Int
    let body: [UInt8]

    /// The body when it is one JSON string: what FD answers for a login (the token) and for a
    /// saved object (its DN), and also, with a 401, for "Authentication required".
    var jsonString: String? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return nil }
        return value as? String
    }

    /// FD's error text, short and on one line. rest.php answers errors as
    /// `[{"message","line","file"}, …]`, authentication failures as a JSON string; anything else
    /// is shown as the start of the raw body.
    var message: String {
        let text: String
        switch try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) {
        case let string as String:
            text = string
        case let errors as [Any]:
            let messages = errors.compactMap { Self.message(in: $0) }
            text = messages.isEmpty ? Self.raw(body) : messages.joined(separator: "; ")
        case let object as [String: Any]:
            text = Self.message(in: object) ?? Self.raw(body)
        default:
            text = Self.raw(body)
        }
        return Self.short(text)
    }

    private static func message(in value: Any) -> String? {
        if let string = value as? String { return string }
        guard let object = value as? [String: Any] else { return nil }
        for key in ["message", "error", "msg"] {
            if let string = object[key] as? String { return string }
            if let nested = object[key], let string = message(in: nested) { return string }
        }
        return nil
    }

    private static func raw(_ body: [UInt8]) -> String {
        body.isEmpty ? "(empty body)" : String(decoding: body.prefix(400), as: UTF8.self)
    }

    /// One line of at most `limit` characters, so it fits a sub-task status and a log line.
    static func short(_ text: String, limit: Int = 200) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }
}

/// PHP's rawurlencode (RFC 3986): everything but `A-Z a-z 0-9 - _ . ~` as %XX of its UTF-8
/// bytes, so a DN is one path segment (`,` `=` `/` and spaces included).
func rawURLEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
    return out
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// A session token fit for a header: visible ASCII only (FD's are PHP session ids), so a hostile
/// or broken answer cannot inject header lines.
func isUsableToken(_ token: String) -> Bool {
    !token.isEmpty && token.utf8.count <= 512 && token.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
}
