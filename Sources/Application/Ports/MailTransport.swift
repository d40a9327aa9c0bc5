import Foundation

/// One message to one recipient, as the SMTP adapter sends it.
public struct OutgoingMail: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public let fileName: String
        public let contentType: String
        public let content: [UInt8]

        public init(fileName: String, contentType: String, content: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.content = content
        }
    }

    public var from: String
    /// The `To:` address; the message goes to it alone.
    public var recipient: String
    /// Envelope-only recipients: never written in a header.
    public var bcc: [String]
    public var subject: String
    public var body: String
    /// Adds `Disposition-Notification-To:` (read receipt) when set.
    public var readReceiptTo: String?
    public var attachments: [Attachment]
    /// Stable across attempts at the same delivery, so a receiver can spot a duplicate.
    public var messageID: String
    public var date: Date

    public init(
        from: String, recipient: String, bcc: [String] = [], subject: String, body: String,
        readReceiptTo: String? = nil, attachments: [Attachment] = [], messageID: String, date: Date
    ) {
        self.from = from
        self.recipient = recipient
        self.bcc = bcc
        self.subject = subject
        self.body = body
        self.readReceiptTo = readReceiptTo
        self.attachments = attachments
        self.messageID = messageID
        self.date = date
    }
}

/// Why a message was not accepted.
public enum MailError: Error, Sendable, Equatable {
    /// 5xx: the server will not take this message; retrying will not help.
    case rejected(String)
    /// 4xx: try again later.
    case deferred(String)
    /// The server could not be reached, or the connection broke: try again later.
    case connection(String)
    /// An address is not a valid mailbox; nothing was sent.
    case invalidAddress(String)
    /// The whole message was handed to the server, then the connection broke (or timed out)
    /// before its reply to the data: the message may have been delivered. Not retried, so that
    /// a resend cannot deliver it twice.
    case outcomeUnknown(String)
    /// The server refused this service's SMTP credentials (535, 530): no message can go until
    /// an operator fixes MAIL_USER / MAIL_PASS; the message itself is not at fault.
    case authentication(String)

    public var isTransient: Bool {
        switch self {
        case .deferred, .connection: true
        case .rejected, .invalidAddress, .outcomeUnknown, .authentication: false
        }
    }

    /// 421 (the relay closes the channel: overloaded or rate-limiting us) or 451 (a local error
    /// or greylisting, usually about one recipient): the codes of a relay pushing back.
    public var pushbackCode: Int? {
        guard case .deferred(let text) = self else { return nil }
        if text.hasPrefix("421") { return 421 }
        if text.hasPrefix("451") { return 451 }
        return nil
    }

    /// True when the server may hold the message although it did not confirm it.
    public var mayHaveBeenDelivered: Bool {
        if case .outcomeUnknown = self { true } else { false }
    }

    /// Short, human-readable, one line: fit for `fdTasksGranularStatus`.
    public var summary: String {
        switch self {
        case .rejected(let text), .deferred(let text), .connection(let text): text
        case .invalidAddress(let address): "invalid address: \(address)"
        case .outcomeUnknown(let text): "no reply after the message data: \(text)"
        case .authentication(let text): "SMTP authentication refused: \(text)"
        }
    }
}

/// Sends mail over SMTP.
public protocol MailTransport: Sendable {
    /// Sends one message; returns when the server accepted it (250 after DATA).
    func send(_ mail: OutgoingMail) async throws(MailError)
}
