import Domain
import Foundation

/// FusionDirectory's audit events (`fdAuditEvent`, spec §2, §3.6), read in pages with the
/// cutoff in the server-side filter, so no more than a page is ever held in memory.
public protocol AuditEvents: Sendable {
    /// Streams the events dated strictly before `cutoff`, one page at a time, with a deleter for
    /// that page; the next page is read once `body` returns. `content` says what each entry
    /// carries: only its DN (the cheapest), also its time (dry-run), or everything (archive).
    func forEachPage(
        before cutoff: Date, reading content: AuditEventContent,
        _ body: @escaping @Sendable ([DirectoryEntry], any BulkDeleter) async throws -> Void
    ) async throws
    /// How many events are dated at or after `cutoff`.
    func count(notBefore cutoff: Date) async throws -> Int
}

public enum AuditEventContent: Sendable, Equatable {
    case dnOnly
    case time
    case everything
}
