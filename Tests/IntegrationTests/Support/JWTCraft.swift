import Crypto
import Foundation

/// Hand-made JWTs for the rejection tests: whatever header, payload and signature we like.
enum JWTCraft {
    enum Signature { case hs256([UInt8]), hs512([UInt8]), none }

    static func token(header: [String: Any], payload: [String: Any], signature: Signature) throws -> String {
        let head = base64URL(try JSONSerialization.data(withJSONObject: header, options: .sortedKeys))
        let body = base64URL(try JSONSerialization.data(withJSONObject: payload, options: .sortedKeys))
        let input = Data("\(head).\(body)".utf8)
        let mac: Data
        switch signature {
        case .hs256(let key): mac = Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key)))
        case .hs512(let key): mac = Data(HMAC<SHA512>.authenticationCode(for: input, using: SymmetricKey(data: key)))
        case .none: mac = Data()
        }
        return "\(head).\(body).\(base64URL(mac))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Claims as this service writes them, with overrides.
    static func claims(subject: String, _ overrides: [String: Any] = [:]) -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": "fusiondirectory-orchestrator", "aud": ["fusiondirectory-orchestrator"], "sub": subject,
            "iat": now, "nbf": now, "exp": now + 300, "jti": UUID().uuidString, "fid": UUID().uuidString,
        ]
        for (key, value) in overrides { claims[key] = value }
        return claims
    }
}
