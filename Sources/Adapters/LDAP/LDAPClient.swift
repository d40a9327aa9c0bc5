import Application
import Domain

/// The service's LDAP access: pooled connections bound as LDAP_ADMIN, paged searches,
/// writes, and password checks on separate short-lived connections.
///
/// Every error leaves here as `DirectoryError`.
public struct LDAPClient: Sendable {
    public struct Configuration: Sendable {
        public var url: String
        public var bindDN: String
        public var password: String
        public var maxConnections: Int
        public var connectTimeout: Duration
        public var operationTimeout: Duration
        public var checkoutTimeout: Duration
        /// Callers that may wait for a pooled connection; more are refused at once (busy).
        public var maxWaiting: Int
        /// Entries per page of a paged search (RFC 2696).
        public var pageSize: Int
        /// StartTLS and the CA file, for pooled and password-check connections alike.
        public var security: LDAPTransportSecurity

        public init(
            url: String, bindDN: String, password: String, maxConnections: Int = 4,
            connectTimeout: Duration = .seconds(3), operationTimeout: Duration = .seconds(10),
            checkoutTimeout: Duration = .seconds(10), maxWaiting: Int = 256, pageSize: Int = 500, security: LDAPTransportSecurity = .none
        ) {
            self.url = url
            self.bindDN = bindDN
            self.password = password
            self.maxConnections = maxConnections
            self.connectTimeout = connectTimeout
            self.operationTimeout = operationTimeout
            self.checkoutTimeout = checkoutTimeout
            self.maxWaiting = maxWaiting
            self.pageSize = pageSize
            self.security = security
        }
    }

    public let configuration: Configuration
    let pool: LDAPConnectionPool

    public init(configuration: Configuration) {
        self.configuration = configuration
        pool = LDAPConnectionPool(configuration: .init(
            url: configuration.url, bindDN: configuration.bindDN, password: configuration.password,
            maxConnections: configuration.maxConnections, connectTimeout: configuration.connectTimeout,
            operationTimeout: configuration.operationTimeout, checkoutTimeout: configuration.checkoutTimeout,
            maxWaiting: configuration.maxWaiting, security: configuration.security
        ))
    }

    /// Every entry matching `filter`, read page by page. For large results prefer `forEachPage`.
    public func search(
        base: String, scope: LDAPScope = .subtree, filter: LDAPFilter, attributes: [String] = []
    ) async throws(DirectoryError) -> [DirectoryEntry] {
        try await search(base: base, scope: scope, filter: filter, attributes: attributes) { $0 }
    }

    /// Every entry matching `filter`, turned into `T` page by page as it arrives: the entries
    /// of a page are dropped once mapped, so a large result is held once, as `T`s.
    public func search<T: Sendable>(
        base: String, scope: LDAPScope = .subtree, filter: LDAPFilter, attributes: [String] = [],
        map transform: @escaping @Sendable (DirectoryEntry) -> T
    ) async throws(DirectoryError) -> [T] {
        let collected = Collector<T>()
        try await forEachPage(base: base, scope: scope, filter: filter, attributes: attributes) { page in
            await collected.append(page.map(transform))
        }
        return await collected.items
    }

    /// Streams the result page by page, so memory stays bounded by the page size whatever the
    /// number of entries. The pages of one search come from one connection, as RFC 2696 requires.
    public func forEachPage(
        base: String, scope: LDAPScope = .subtree, filter: LDAPFilter, attributes: [String] = [],
        _ body: @escaping @Sendable ([DirectoryEntry]) async throws -> Void
    ) async throws(DirectoryError) {
        let started = ContinuousClock.now
        defer { LDAPMetrics.record("search", since: started) }
        let pageSize = scope == .base ? 0 : configuration.pageSize
        let rendered = filter.rendered
        try await retryingOnStaleConnection { connection, deliveredAny in
            // The next page is requested as soon as a page arrives, so `body` runs while the
            // server prepares the next one (LDAPConnection.receivePage).
            var pending: Int32? = try await connection.requestPage(
                base: base, scope: scope, filter: rendered, attributes: attributes, pageSize: pageSize, cookie: []
            )
            do {
                while let request = pending {
                    pending = nil  // answered or failed: nothing to abandon
                    let page = try await connection.receivePage(
                        request, base: base, scope: scope, filter: rendered, attributes: attributes, pageSize: pageSize
                    )
                    pending = page.next
                    await deliveredAny.mark()
                    try await body(page.entries)
                }
            } catch {
                if let request = pending { await connection.abandon(request) }
                throw error
            }
        }
    }

    /// The entry at `dn`, or nil when it does not exist.
    public func read(_ dn: String, attributes: [String] = [], filter: LDAPFilter = .present("objectClass")) async throws(DirectoryError) -> DirectoryEntry? {
        do {
            return try await search(base: dn, scope: .base, filter: filter, attributes: attributes).first
        } catch .noSuchObject {
            return nil
        }
    }

    public func modify(_ dn: String, _ modifications: [LDAPModification]) async throws(DirectoryError) {
        let started = ContinuousClock.now
        defer { LDAPMetrics.record("modify", since: started) }
        try await write { try await $0.modify(dn: dn, modifications) }
    }

    public func add(_ dn: String, attributes: [(String, [String])]) async throws(DirectoryError) {
        let started = ContinuousClock.now
        defer { LDAPMetrics.record("add", since: started) }
        let binary = attributes.map { ($0.0, $0.1.map { Array($0.utf8) }) }
        try await write { try await $0.add(dn: dn, attributes: binary) }
    }

    public func addBinary(_ dn: String, attributes: [(String, [[UInt8]])]) async throws(DirectoryError) {
        let started = ContinuousClock.now
        defer { LDAPMetrics.record("add", since: started) }
        try await write { try await $0.add(dn: dn, attributes: attributes) }
    }

    public func delete(_ dn: String) async throws(DirectoryError) {
        let started = ContinuousClock.now
        defer { LDAPMetrics.record("delete", since: started) }
        try await write { try await $0.delete(dn: dn) }
    }

    /// Checks a password by binding as `dn` on a new connection that is closed right after, so the
    /// pooled service-account connections never change identity. The directory verifies the hash,
    /// whatever its scheme, and applies its password policy.
    public func verifyPassword(dn: String, password: String) async throws(DirectoryError) -> Bool {
        let started = ContinuousClock.now
        defer { LDAPMetrics.record("bind", since: started) }
        guard !password.isEmpty else { return false }
        do {
            let connection = try LDAPConnection(
                url: configuration.url, connectTimeout: configuration.connectTimeout,
                operationTimeout: configuration.operationTimeout, security: configuration.security
            )
            try await connection.bind(dn: dn, password: password)
            return true
        } catch {
            switch error.directoryError {
            case .invalidCredentials: return false
            // A locked or disabled account answers like a wrong password to the caller.
            case .rejected: return false
            case let other: throw other
            }
        }
    }

    // MARK: - retries and error translation

    /// Reads are retried once on a fresh connection when the first attempt failed because the
    /// pooled connection had gone stale (slapd restarted) and nothing had been delivered yet.
    private func retryingOnStaleConnection(
        _ operation: @escaping @Sendable (LDAPConnection, DeliveryFlag) async throws -> Void
    ) async throws(DirectoryError) {
        var attempt = 0
        while true {
            attempt += 1
            let delivered = DeliveryFlag()
            do {
                try await pool.withConnection { try await operation($0, delivered) }
                return
            } catch let error as LDAPResultError {
                if attempt == 1, error.breaksConnection, await !delivered.value { continue }
                throw error.directoryError
            } catch let error as DirectoryError {
                throw error
            } catch {
                throw .other(code: -1, message: "\(error)")
            }
        }
    }

    /// Writes are not retried: an add or delete that may have reached the server must not be
    /// replayed blindly.
    private func write(_ operation: @escaping @Sendable (LDAPConnection) async throws -> Void) async throws(DirectoryError) {
        do {
            try await pool.withConnection(operation)
        } catch let error as LDAPResultError {
            throw error.directoryError
        } catch let error as DirectoryError {
            throw error
        } catch {
            throw .other(code: -1, message: "\(error)")
        }
    }
}

private actor Collector<T: Sendable> {
    var items: [T] = []
    func append(_ page: [T]) { items.append(contentsOf: page) }
}

private actor DeliveryFlag {
    var value = false
    func mark() { value = true }
}

extension LDAPClient {
    /// Open, idle and waiting counts of the pool (for tests and diagnostics).
    func poolStatistics() async -> (open: Int, idle: Int, waiting: Int) {
        await pool.statistics
    }
}
