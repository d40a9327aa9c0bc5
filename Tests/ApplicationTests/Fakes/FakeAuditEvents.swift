import Application
import Domain
import Foundation

/// Audit events in memory, served in pages like the LDAP adapter, with failures on demand.
actor FakeAuditEvents: AuditEvents, BulkDeleter {
    private var events: [String: Date] = [:]
    let pageSize: Int
    /// Deletes of these DNs are refused for good.
    var refused: Set<String> = []
    /// After this many pages the directory "goes down": the search and every delete fail.
    var downAfterPages: Int?
    private var pagesServed = 0
    private(set) var searches: [AuditEventContent] = []
    private(set) var largestPage = 0
    /// Called once per page, before the body (lets a test shut the service down mid-pass).
    var onPage: (@Sendable (Int) -> Void)?

    init(pageSize: Int = 3) {
        self.pageSize = pageSize
    }

    func add(_ dn: String, at time: Date) {
        events[dn] = time
    }

    func refuse(_ dn: String) { refused.insert(dn) }
    func goDown(afterPages pages: Int) { downAfterPages = pages }
    func comeBack() { downAfterPages = nil }
    func setOnPage(_ hook: (@Sendable (Int) -> Void)?) { onPage = hook }

    var remaining: Set<String> { Set(events.keys) }

    /// The search fails once the pages are served; deletes of the last served page still work.
    private var isDown: Bool { downAfterPages.map { pagesServed >= $0 } ?? false }
    private var deletesDown: Bool { downAfterPages.map { pagesServed > $0 } ?? false }

    /// Marks an event to vanish right after the search read it.
    func forgetNow(_ dn: String) { vanishing.insert(dn) }
    private var vanishing: Set<String> = []

    func forEachPage(
        before cutoff: Date, reading content: AuditEventContent,
        _ body: @escaping @Sendable ([DirectoryEntry], any BulkDeleter) async throws -> Void
    ) async throws {
        searches.append(content)
        let old = events.filter { $0.value < cutoff }.sorted { $0.key < $1.key }
        var index = 0
        repeat {
            if isDown { throw DirectoryError.unavailable("slapd stopped") }
            let page = old[index..<min(index + pageSize, old.count)].map { dn, time in
                let stamp = GeneralizedTime(date: time).ldapString
                return DirectoryEntry(dn: dn, stringAttributes: content == .dnOnly ? [:] : [
                    "fdAuditDateTime": [stamp], "objectClass": ["fdAuditEvent"],
                ].filter { content == .everything || $0.key == "fdAuditDateTime" })
            }
            index += pageSize
            pagesServed += 1
            largestPage = max(largestPage, page.count)
            onPage?(pagesServed)
            for dn in vanishing { events[dn] = nil }
            vanishing = []
            try await body(page, self)
        } while index < old.count
    }

    func count(notBefore cutoff: Date) async throws -> Int {
        if isDown { throw DirectoryError.unavailable("slapd stopped") }
        return events.values.filter { $0 >= cutoff }.count
    }

    func delete(_ dns: [String]) async -> [DeletionResult] {
        dns.map { dn in
            if deletesDown { return .failed(.unavailable("slapd stopped")) }
            if refused.contains(dn) { return .failed(.rejected(code: 50, message: "delete: Insufficient access (50)")) }
            return events.removeValue(forKey: dn) == nil ? .alreadyGone : .deleted
        }
    }
}

/// An archive in memory; `failing` makes every append throw.
actor FakeAuditArchive: AuditArchive {
    struct Broken: Error {}
    private(set) var lines: [String] = []
    var failing = false

    func setFailing(_ value: Bool) { failing = value }

    func append(_ events: [DirectoryEntry], at date: Date) throws {
        if failing { throw Broken() }
        lines.append(contentsOf: events.map(\.dn))
    }
}

/// Progress lines, kept.
final class RecordingProgressLog: RunProgressLog, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func progress(_ operation: String, runID: String, _ message: String) { lock.withLock { stored.append(message) } }
}
