import Application
import CoreMetrics

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
        let started = ContinuousClock.now
        var result = "error"
        defer { Self.record(result, since: started) }
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
        result = "ok"
    }

    /// How long one message took, on swift-metrics' API directly (a facade like swift-log: the
    /// service's backend records it, tests bootstrap none and stay hermetic).
    private static func record(_ result: String, since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        CoreMetrics.Timer(label: "orchestrator_smtp_message_duration_seconds", dimensions: [("result", result)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// SMTP connections opened so far (to check connection reuse).
    public func connectionsOpened() async -> Int {
        var total = retiredConnections
        if let session { total += await session.connectionsOpened }
        return total
    }
}
