import Application
import Crypto
import Foundation

/// HMAC-SHA256 over the reminder token message (spec §3.7), keyed with the raw bytes of the
/// configured string (REMINDER_TOKEN_KEY, or SECRET_KEY as PHP did).
public struct CryptoReminderTokenSigner: ReminderTokenSigner {
    private let key: SymmetricKey

    public init(key: String) {
        self.key = SymmetricKey(data: Data(key.utf8))
    }

    public func signatureBase64(of message: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)).base64EncodedString()
    }
}
