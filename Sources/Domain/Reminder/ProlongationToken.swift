import Foundation

/// FusionDirectory's reminder token and prolongation link (spec §3.7), kept bit for bit so FD's
/// `accountProlongation.php` accepts them. The HMAC itself is computed by an adapter.
public enum ProlongationToken {
    /// The salt PHP appends to the user DN.
    static let salt = "8onOlEsItKond"

    /// The HMAC message: the decimal Unix time, then the JSON string of (user DN + salt) as PHP's
    /// `json_encode` writes it (quotes, `\/`, `\uXXXX` for non-ASCII).
    public static func message(unixTime: Int, userDN: String) -> String {
        String(unixTime) + phpJSONString(userDN + salt)
    }

    /// The token from the base64 of the HMAC: `+`→`A`, `/`→`B`, `=` removed.
    public static func token(fromBase64 signature: String) -> String {
        String(signature.compactMap { character -> Character? in
            switch character {
            case "+": "A"
            case "/": "B"
            case "=": nil
            default: character
            }
        })
    }

    /// base64 → base64url without padding (RFC 4648 §5): the tokens of the service's own links.
    public static func base64URL(_ base64: String) -> String {
        String(base64.compactMap { character -> Character? in
            switch character {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: character
            }
        })
    }

    /// PHP `json_encode` of a string with default flags.
    public static func phpJSONString(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x2F: out += "\\/"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x20..<0x7F, 0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += "\\u" + hex4(unit)
            }
        }
        return out + "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// `<FD base>/accountProlongation.php?token=…&task=…`, the base being FUSION_DIRECTORY_API_URL
    /// without a trailing `/rest.php/v1`; both parameters URL-encoded (PHP did not, bug §10 #13).
    public static func link(fusionDirectoryURL: String, token: String, task: String) -> String {
        var base = fusionDirectoryURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/rest.php/v1") { base.removeLast("/rest.php/v1".count) }
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/accountProlongation.php?token=\(percentEncoded(token))&task=\(percentEncoded(task))"
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = String(byte, radix: 16, uppercase: true)
                out += "%" + (digits.count == 1 ? "0" : "") + digits
            }
        }
        return out
    }
}

/// A stored token entry `cn=<uid>,ou=tokens,<base>` (objectClass fdTokenEntry).
public struct StoredProlongationToken: Sendable, Equatable {
    public let uid: String
    public let userDN: String
    /// fdTokenType; `reminder` for ours.
    public let type: String
    public let token: String
    /// fdTokenTimestamp: the instant the token stops working.
    public let expiresAt: Date

    public init(uid: String, userDN: String, type: String = "reminder", token: String, expiresAt: Date) {
        self.uid = uid
        self.userDN = userDN
        self.type = type
        self.token = token
        self.expiresAt = expiresAt
    }

    /// Still usable for `userDN` at `now`: the same user (DNs compared case-insensitively), a
    /// reminder token, not expired.
    public func isValid(for userDN: String, at now: Date) -> Bool {
        type.lowercased() == "reminder" && self.userDN.lowercased() == userDN.lowercased() && expiresAt > now
    }
}

