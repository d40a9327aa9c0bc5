import Application

/// `MailTransport` over libcurl. Keeps one session (one SMTP connection) for consecutive
/// messages and replaces it after any failure.
public actor CurlMailTransport: MailTransport {
    private let settings: SMTPSettings
    private var session: CurlSMTPSession?
    private var retiredConnections = 0

    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    public func send(_ mail: OutgoingMail) async throws(MailError) {
        for address in [mail.from, mail.recipient] + mail.bcc + (mail.readReceiptTo.map { [$0] } ?? []) where !MIMEHeaders.isValidAddress(address) {
            throw .invalidAddress(address)
        }
        let current: CurlSMTPSession
        if let session { current = session } else {
            current = try CurlSMTPSession(settings: settings)
            session = current
        }
        if let failure = await current.send(mail) {
            if await current.isBroken {
                retiredConnections += await current.connectionsOpened
                session = nil
            }
            throw failure
        }
    }

    /// SMTP connections opened so far (to check connection reuse).
    public func connectionsOpened() async -> Int {
        var total = retiredConnections
        if let session { total += await session.connectionsOpened }
        return total
    }
}
