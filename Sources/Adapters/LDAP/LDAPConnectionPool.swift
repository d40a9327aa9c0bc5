import Application

/// A bounded pool of connections bound as the service account.
///
/// Connections are opened lazily, up to `maxConnections`; callers beyond that wait in FIFO
/// order until one is returned or `checkoutTimeout` passes. At most `maxWaiting` callers wait:
/// one more is refused at once with `DirectoryError.busy` (503 with Retry-After), so overload
/// shows as slower answers while the queue has room, and as a clear refusal only when it is full. A connection that reported a
/// connection-level error is dropped, so the next checkout reconnects: a restarted slapd is
/// picked up without restarting the service.
actor LDAPConnectionPool {
    struct Configuration: Sendable {
        var url: String
        var bindDN: String
        var password: String
        var maxConnections: Int = 4
        var connectTimeout: Duration = .seconds(3)
        var operationTimeout: Duration = .seconds(10)
        var checkoutTimeout: Duration = .seconds(10)
        var maxWaiting: Int = 256
        var security: LDAPTransportSecurity = .none
    }

    private enum Grant {
        case connection(LDAPConnection)
        /// A slot was freed: the waiter may open a new connection itself.
        case openSlot
    }

    let configuration: Configuration
    private var idle: [LDAPConnection] = []
    private var openCount = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Grant, any Error>)] = []
    private var nextWaiterID: UInt64 = 0

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Runs `body` with a connection of its own; the connection goes back to the pool afterwards
    /// (or is dropped if `body` left it broken).
    func withConnection<T: Sendable>(_ body: @Sendable (LDAPConnection) async throws -> T) async throws -> T {
        try await lend(try await checkOut(), to: body)
    }

    /// Runs `body` with `connection`, which comes back to the pool whatever `body` does.
    private func lend<T: Sendable>(_ connection: LDAPConnection, to body: @Sendable (LDAPConnection) async throws -> T) async throws -> T {
        do {
            let value = try await body(connection)
            await checkIn(connection)
            return value
        } catch {
            await checkIn(connection)
            throw error
        }
    }

    /// Like `withConnection`, but only with a connection that is idle or may be opened now:
    /// nil at once, without waiting, when the pool is fully in use (helpers of a bulk delete
    /// must not queue behind the search whose pages they delete).
    func withFreeConnection<T: Sendable>(_ body: @Sendable (LDAPConnection) async throws -> T) async throws -> T? {
        let connection: LDAPConnection
        if let free = idle.popLast() {
            connection = free
        } else if openCount < configuration.maxConnections, waiters.isEmpty {
            connection = try await open()
        } else {
            return nil
        }
        return try await lend(connection, to: body)
    }

    var statistics: (open: Int, idle: Int, waiting: Int) { (openCount, idle.count, waiters.count) }

    private func checkOut() async throws -> LDAPConnection {
        if let connection = idle.popLast() { return connection }
        if openCount < configuration.maxConnections { return try await open() }
        switch try await wait() {
        case .connection(let connection): return connection
        case .openSlot: return try await open()
        }
    }

    private func open() async throws -> LDAPConnection {
        openCount += 1
        do {
            let connection = try LDAPConnection(
                url: configuration.url,
                connectTimeout: configuration.connectTimeout,
                operationTimeout: configuration.operationTimeout,
                security: configuration.security
            )
            try await connection.bind(dn: configuration.bindDN, password: configuration.password)
            return connection
        } catch {
            releaseSlot()
            // A refused service-account bind is a configuration problem, but to callers the
            // directory is just as unusable: report it as unavailable.
            if error.code == 49 { throw DirectoryError.unavailable("the service account bind was refused (invalid credentials)") }
            throw error.directoryError
        }
    }

    private func checkIn(_ connection: LDAPConnection) async {
        if await connection.isBroken {
            releaseSlot()
            // The server went away (or restarted): the idle connections are as dead as this one,
            // and a reader retrying once must not be handed another of them.
            let stale = idle
            idle.removeAll()
            for _ in stale { releaseSlot() }
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .connection(connection))
        } else {
            idle.append(connection)
        }
    }

    private func releaseSlot() {
        openCount -= 1
        if !waiters.isEmpty {
            openCount += 1
            waiters.removeFirst().continuation.resume(returning: .openSlot)
        }
    }

    private func wait() async throws -> Grant {
        guard waiters.count < configuration.maxWaiting else { throw DirectoryError.busy }
        nextWaiterID += 1
        let id = nextWaiterID
        let timeout = configuration.checkoutTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.abandon(id, with: DirectoryError.busy)
                }
            }
        } onCancel: {
            Task { await self.abandon(id, with: CancellationError()) }
        }
    }

    private func abandon(_ id: UInt64, with error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }
}
