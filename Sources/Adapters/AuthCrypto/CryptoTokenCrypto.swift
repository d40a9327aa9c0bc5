import Application
import Crypto
import Foundation

/// Refresh tokens from the system CSPRNG, stored as SHA-256.
public struct CryptoTokenCrypto: TokenCrypto {
    public init() {}

    /// 32 random bytes → 43 base64url characters.
    public func newRefreshToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public func newIdentifier() -> String {
        UUID().uuidString.lowercased()
    }

    public func storageHash(of refreshToken: String) -> String {
        SHA256.hash(data: Data(refreshToken.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
