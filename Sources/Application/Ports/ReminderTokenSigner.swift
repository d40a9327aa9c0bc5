/// Computes FusionDirectory's reminder token signature (spec §3.7) with the configured key
/// (REMINDER_TOKEN_KEY, SECRET_KEY by default, as PHP).
public protocol ReminderTokenSigner: Sendable {
    /// Base64 of HMAC-SHA256(key, message).
    func signatureBase64(of message: String) -> String
}
