import AdapterSupport
import Application
import CCurl
import Foundation

/// SMTP settings the libcurl session needs.
public struct SMTPSettings: Sendable {
    /// `opportunisticStartTLS` is PHP's behaviour: STARTTLS when the server offers it, else plain.
    public enum Security: Sendable { case none, implicitTLS, startTLS, opportunisticStartTLS }

    public var host: String
    public var port: Int
    public var security: Security
    public var verifyCertificates: Bool
    public var caFile: String?
    public var user: String?
    public var password: String?
    public var connectTimeout: Duration
    /// Upper bound for one whole message (connect, commands, DATA).
    public var messageTimeout: Duration

    public init(
        host: String, port: Int, security: Security = .none, verifyCertificates: Bool = true, caFile: String? = nil,
        user: String? = nil, password: String? = nil, connectTimeout: Duration = .seconds(10), messageTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.verifyCertificates = verifyCertificates
        self.caFile = caFile
        self.user = user
        self.password = password
        self.connectTimeout = connectTimeout
        self.messageTimeout = messageTimeout
    }
}

/// One libcurl easy handle, reused message after message so the SMTP connection (after
/// STARTTLS and AUTH) stays open across a run. Runs on its own queue: curl_easy_perform blocks.
actor CurlSMTPSession {
    private static let globalInit: Void = { _ = ccurl_global_init_all() }()

    private let executor = QueueExecutor(label: "smtp-session")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private nonisolated(unsafe) let easy: UnsafeMutableRawPointer
    private let settings: SMTPSettings
    /// After a failure the connection state is unknown: the owner replaces the session.
    private(set) var isBroken = false
    private(set) var connectionsOpened = 0

    init(settings: SMTPSettings) throws(MailError) {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw .connection("cannot initialise libcurl") }
        easy = handle
        self.settings = settings
        let scheme = settings.security == .implicitTLS ? "smtps" : "smtp"
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        _ = ccurl_setopt_string(easy, CURLOPT_URL, "\(scheme)://\(host):\(settings.port)")
        _ = ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeout.milliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, settings.messageTimeout.milliseconds)
        switch settings.security {
        case .startTLS: _ = ccurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .opportunisticStartTLS: _ = ccurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        case .none, .implicitTLS: break
        }
        if !settings.verifyCertificates {
            _ = ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0)
            _ = ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let caFile = settings.caFile { _ = ccurl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        if let user = settings.user, let password = settings.password {
            _ = ccurl_setopt_string(easy, CURLOPT_USERNAME, user)
            _ = ccurl_setopt_string(easy, CURLOPT_PASSWORD, password)
        }
        // The server's replies reach us through the debug callback; VERBOSE enables it.
        _ = ccurl_setopt_long(easy, CURLOPT_VERBOSE, 1)
        _ = ccurl_setopt_debug_function(easy) { _, type, data, size, context in
            guard type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT, let data, let context else { return 0 }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            let log = Unmanaged<ReplyLog>.fromOpaque(context).takeUnretainedValue()
            if type == CURLINFO_HEADER_IN { log.record(line) } else { log.recordCommand(line) }
            return 0
        }
    }

    deinit {
        curl_easy_cleanup(easy)
    }

    func send(_ mail: OutgoingMail) -> MailError? {
        let replies = ReplyLog()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var recipients: UnsafeMutablePointer<curl_slist>?
        var headers: UnsafeMutablePointer<curl_slist>?
        let mime = curl_mime_init(easy)
        defer {
            _ = ccurl_setopt_mime(easy, nil)
            _ = ccurl_setopt_slist(easy, CURLOPT_MAIL_RCPT, nil)
            _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, nil)
            _ = ccurl_setopt_pointer(easy, CURLOPT_DEBUGDATA, nil)
            _ = ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, nil)
            curl_mime_free(mime)
            curl_slist_free_all(recipients)
            curl_slist_free_all(headers)
            errorBuffer.deallocate()
        }

        for address in [mail.recipient] + mail.bcc { recipients = curl_slist_append(recipients, "<\(address)>") }
        var headerLines = [
            "From: <\(mail.from)>",
            "To: <\(mail.recipient)>",
            "Subject: \(MIMEHeaders.encodedWords(mail.subject))",
            "Date: \(MIMEHeaders.date(mail.date))",
            "Message-ID: <\(mail.messageID)>",
            "MIME-Version: 1.0",
        ]
        if let receipt = mail.readReceiptTo { headerLines.append("Disposition-Notification-To: <\(receipt)>") }
        for line in headerLines { headers = curl_slist_append(headers, line) }

        // Every part has a size curl can compute (no curl quoted-printable encoder), so curl knows
        // the size of the whole message: see `wasHandedOver`.
        let text = curl_mime_addpart(mime)
        let body = MIMEHeaders.quotedPrintable(mail.body)
        curl_mime_data(text, body.map { CChar(bitPattern: $0) }, body.count)
        curl_mime_type(text, "text/plain; charset=UTF-8")
        curl_mime_headers(text, curl_slist_append(nil, "Content-Transfer-Encoding: quoted-printable"), 1)
        for attachment in mail.attachments {
            let part = curl_mime_addpart(mime)
            curl_mime_data(part, attachment.content.map { CChar(bitPattern: $0) }, attachment.content.count)
            curl_mime_type(part, attachment.contentType)
            curl_mime_filename(part, attachment.fileName)
            curl_mime_encoder(part, "base64")
        }

        _ = ccurl_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(mail.from)>")
        _ = ccurl_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipients)
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        _ = ccurl_setopt_mime(easy, mime)
        _ = ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_pointer(easy, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(replies).toOpaque())

        let rc = curl_easy_perform(easy)
        var opened = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &opened)
        connectionsOpened += opened
        if rc == CURLE_OK { return nil }

        isBroken = true
        dropConnection()
        var code = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        let reply = replies.lastFailure ?? replies.last
        let curlText = String(cString: errorBuffer).isEmpty ? String(cString: curl_easy_strerror(rc)) : String(cString: errorBuffer)
        // The server said 354 and got the whole message, then no final reply came: it may have
        // stored the message, and sending it again could deliver it twice.
        if replies.awaitingDataReply, wasHandedOver(), Self.brokenAfterData.contains(rc) {
            return .outcomeUnknown(curlText)
        }
        // Our credentials refused (or required and missing): no message can go, none is at fault.
        if rc == CURLE_LOGIN_DENIED || code == 535 || code == 530 {
            return .authentication(reply ?? "\(code) \(curlText)")
        }
        switch code {
        case 400..<500: return .deferred(reply ?? "\(code) \(curlText)")
        case 500..<600: return .rejected(reply ?? "\(code) \(curlText)")
        default: return .connection(curlText)
        }
    }

    /// After a failure the connection is never used again. curl may still hold it (after a
    /// timeout it keeps it for reuse, while the server may yet answer the data), and closing it
    /// would send QUIT and wait for a reply: curl_easy_cleanup blocked until the late reply came.
    /// Shut the socket down instead, so curl's QUIT fails at once.
    private func dropConnection() {
        var socket: curl_socket_t = -1
        guard ccurl_getinfo_socket(easy, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else { return }
        _ = shutdown(socket, Int32(SHUT_RDWR))
    }

    /// A broken or silent connection: after the data these leave the outcome unknown.
    private static let brokenAfterData = [
        CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
    ]

    /// Whether the last transfer wrote the whole message to the connection (not counting the
    /// final `.`): curl resets both figures for every transfer, so nothing leaks from the
    /// previous message on a reused handle. The message never needs dot-stuffing (see
    /// `MIMEHeaders.quotedPrintable`), so the bytes sent match the size curl computed.
    private func wasHandedOver() -> Bool {
        var sent: curl_off_t = 0
        var size: curl_off_t = -1
        _ = ccurl_getinfo_off_t(easy, CURLINFO_SIZE_UPLOAD_T, &sent)
        _ = ccurl_getinfo_off_t(easy, CURLINFO_CONTENT_LENGTH_UPLOAD_T, &size)
        // Size unknown (not expected with these parts): any data sent counts, on the safe side.
        return size >= 0 ? sent >= size : sent > 0
    }
}

/// Collects the server's reply lines of one transfer (filled from libcurl's debug callback).
private final class ReplyLog {
    private(set) var last: String?
    private(set) var lastFailure: String?
    /// From the server's 354 (go ahead with the data) until its reply to the data. A reply to
    /// the QUIT curl sends when it gives up on the connection is no reply to the data.
    private(set) var awaitingDataReply = false
    private var quitSent = false

    /// A command line curl sent (only its verb is looked at: AUTH lines carry credentials).
    func recordCommand(_ raw: String) {
        if raw.prefix(4).uppercased() == "QUIT" { quitSent = true }
    }

    func record(_ raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !line.isEmpty else { return }
        last = String(line.prefix(300))
        if !quitSent, let code = Int(line.prefix(3)) { awaitingDataReply = code == 354 }
        if let first = line.first, first == "4" || first == "5" { lastFailure = last }
    }
}
