import Application
import CLDAP
import Domain

extension LDAPClient {
    /// A paged search whose pages are handed to `body`, each with a deleter for its entries: the
    /// bulk operations delete a page while the next one waits on the server, so memory is one page
    /// whatever the number of entries. The search keeps its own connection (RFC 2696 ties the
    /// cookie to it); the deletes run on it between pages and on whatever other pooled
    /// connections are free at that moment, never waiting for one.
    ///
    /// Errors of `body` come out as they were thrown; the directory's as `DirectoryError`.
    public func forEachPageDeleting(
        base: String, filter: LDAPFilter, attributes: [String], deleteAsserting assertion: LDAPFilter? = nil, deleteBatch: Int = 50,
        _ body: @escaping @Sendable ([DirectoryEntry], any BulkDeleter) async throws -> Void
    ) async throws {
        let (pool, pageSize, helpers) = (pool, configuration.pageSize, max(0, configuration.maxConnections - 1))
        let rendered = filter.rendered
        let asserted = assertion?.rendered
        var attempt = 0
        while true {
            attempt += 1
            let delivered = DeliveredFlag()
            do {
                try await pool.withConnection { connection in
                    var cursor = PageCursor()
                    repeat {
                        let page = try await connection.searchPage(
                            base: base, scope: .subtree, filter: rendered, attributes: attributes, pageSize: pageSize, cursor: cursor
                        )
                        cursor = page.cursor
                        await delivered.mark()
                        let deleter = PageDeleter(search: connection, pool: pool, helpers: helpers, batch: max(1, deleteBatch), assertion: asserted)
                        try await body(page.entries, deleter)
                    } while !cursor.isFinished
                }
                return
            } catch let error as LDAPResultError {
                // A pooled connection gone stale (slapd restarted) before anything was delivered: once more.
                if attempt == 1, error.breaksConnection, await !delivered.value { continue }
                throw error.directoryError
            }
        }
    }

    /// How many entries match, counted page by page with no attribute read.
    public func count(base: String, filter: LDAPFilter) async throws(DirectoryError) -> Int {
        let total = Counter()
        try await forEachPage(base: base, filter: filter, attributes: [Self.noAttributes]) { page in
            await total.add(page.count)
        }
        return await total.value
    }

    /// RFC 4511 §4.5.1.8: the attribute list that asks for no attributes, only DNs.
    public static let noAttributes = "1.1"
}

/// Deletes one page's entries in batches, on the search's connection and on free pooled ones.
struct PageDeleter: BulkDeleter {
    let search: LDAPConnection
    let pool: LDAPConnectionPool
    let helpers: Int
    let batch: Int
    let assertion: String?

    func delete(_ dns: [String]) async -> [DeletionResult] {
        guard !dns.isEmpty else { return [] }
        let queue = BatchQueue(dns, batch: batch)
        let extra = min(helpers, (dns.count - 1) / batch)
        await withTaskGroup(of: Void.self) { group in
            let (search, pool, assertion) = (search, pool, assertion)
            group.addTask { await Self.drain(queue, on: search, assertion: assertion) }
            for _ in 0..<extra {
                group.addTask {
                    // No free connection, or it could not be opened: the others take its share.
                    _ = try? await pool.withFreeConnection { connection in await Self.drain(queue, on: connection, assertion: assertion) }
                }
            }
        }
        return await queue.results
    }

    private static func drain(_ queue: BatchQueue, on connection: LDAPConnection, assertion: String?) async {
        while let (offset, chunk) = await queue.next() {
            let errors = await connection.deleteEach(chunk, assertion: assertion)
            await queue.record(offset, errors.map(result))
        }
    }

    static func result(_ error: LDAPResultError?) -> DeletionResult {
        guard let error else { return .deleted }
        switch error.code {
        case LDAP_NO_SUCH_OBJECT: return .alreadyGone
        case LDAP_ASSERTION_FAILED: return .changed
        default: return .failed(error.directoryError)
        }
    }
}

/// The DNs of one page handed out in batches, and their results put back in order.
private actor BatchQueue {
    private let dns: [String]
    private let batch: Int
    private var nextOffset = 0
    private(set) var results: [DeletionResult]

    init(_ dns: [String], batch: Int) {
        self.dns = dns
        self.batch = batch
        results = Array(repeating: .failed(.unavailable("not attempted")), count: dns.count)
    }

    func next() -> (Int, [String])? {
        guard nextOffset < dns.count else { return nil }
        let start = nextOffset
        nextOffset = min(dns.count, start + batch)
        return (start, Array(dns[start..<nextOffset]))
    }

    func record(_ offset: Int, _ outcome: [DeletionResult]) {
        for (index, result) in outcome.enumerated() { results[offset + index] = result }
    }
}

private actor DeliveredFlag {
    var value = false
    func mark() { value = true }
}

private actor Counter {
    var value = 0
    func add(_ count: Int) { value += count }
}
