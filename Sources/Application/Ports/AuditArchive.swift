import Domain
import Foundation

/// Where audit events are copied before the retention run deletes them (AUDIT_ARCHIVE_DIR).
public protocol AuditArchive: Sendable {
    /// Appends the events, one JSON line each, to the file of `date`'s day, and returns only
    /// once they are written and flushed to disk: an event is deleted only after that.
    func append(_ events: [DirectoryEntry], at date: Date) async throws
}
