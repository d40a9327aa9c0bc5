/// An FD mail template (`fdMailTemplate`) with its own attachments (`fdMailAttachments` children).
public struct MailTemplate: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public let fileName: String
        public let content: [UInt8]

        public init(fileName: String, content: [UInt8]) {
            self.fileName = fileName
            self.content = content
        }

        /// A content type from the file extension (FD stores none), `application/octet-stream` otherwise.
        public var contentType: String {
            let suffix = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
            return Self.types[suffix] ?? "application/octet-stream"
        }

        static let types = [
            "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
            "pdf": "application/pdf", "txt": "text/plain", "csv": "text/csv", "html": "text/html", "htm": "text/html",
            "zip": "application/zip", "odt": "application/vnd.oasis.opendocument.text",
            "ods": "application/vnd.oasis.opendocument.spreadsheet",
            "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ics": "text/calendar", "json": "application/json", "xml": "application/xml",
        ]
    }

    public let cn: String
    public let subject: String
    public let body: String
    public let signature: String?
    /// fdMailTemplateReadReceipt is exactly `TRUE` (spec §3.4: compared without case folding).
    public let readReceipt: Bool
    public let attachments: [Attachment]

    public init(cn: String, subject: String, body: String, signature: String?, readReceipt: Bool, attachments: [Attachment]) {
        self.cn = cn
        self.subject = subject
        self.body = body
        self.signature = signature
        self.readReceipt = readReceipt
        self.attachments = attachments
    }

    /// Reads the template entry and its attachment children. Nil when a MUST value is missing.
    public init?(entry: DirectoryEntry, attachmentEntries: [DirectoryEntry]) {
        guard let cn = entry.string("cn"), let subject = entry.string("fdMailTemplateSubject"),
              let body = entry.string("fdMailTemplateBody") else { return nil }
        self.cn = cn
        self.subject = subject
        self.body = body
        signature = entry.string("fdMailTemplateSignature").flatMap { $0.isEmpty ? nil : $0 }
        readReceipt = entry.string("fdMailTemplateReadReceipt") == "TRUE"
        attachments = attachmentEntries.compactMap { child in
            guard let name = child.string("cn"), let content = child.values("fdMailAttachmentsContent").first else { return nil }
            return Attachment(fileName: name, content: content)
        }.sorted { $0.fileName < $1.fileName }
    }

    /// The message text: the body, then `"\n\n"` and the signature when there is one (spec §7).
    public var text: String {
        guard let signature else { return body }
        return body + "\n\n" + signature
    }
}
