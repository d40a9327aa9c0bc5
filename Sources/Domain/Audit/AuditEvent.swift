import Foundation

/// An FD audit event (`objectClass: fdAuditEvent`, spec §1, §3.6), as the Audit and
/// Notifications runs read it. Built by `init(entry:)`, which never throws.
public struct AuditEvent: Sendable, Equatable {
    public let dn: String
    /// fdAuditDateTime parsed; nil (with a problem) when missing or unreadable.
    public let generalizedTime: GeneralizedTime?
    /// fdAuditAction: `modify`, `create`, `remove`, `copy`, `snapshot`, `security`, `error`.
    public let action: String?
    /// fdAuditObject: target DN, login name or `none`.
    public let object: String?
    /// fdAuditObjectType, e.g. `plugin/user`.
    public let objectType: String?
    /// fdAuditAuthorDN.
    public let author: String?
    /// fdAuditAttributes, raw: one JSON object for `modify`, one name per value for
    /// `create`/`remove` (spec §3.6).
    public let attributes: [String]
    public let problems: [String]

    public init(entry: DirectoryEntry) {
        var reader = EntryReader(entry)
        dn = entry.dn
        generalizedTime = reader.parsed("fdAuditDateTime", required: true) { value throws(DomainError) in
            try GeneralizedTime(parsing: value)
        }
        action = reader.single("fdAuditAction", required: true)
        object = reader.single("fdAuditObject", required: true)
        objectType = reader.single("fdAuditObjectType")
        author = reader.single("fdAuditAuthorDN")
        attributes = reader.list("fdAuditAttributes")
        problems = reader.problems
    }

    /// The event time as an instant.
    public var time: Date? { generalizedTime?.date }
}
