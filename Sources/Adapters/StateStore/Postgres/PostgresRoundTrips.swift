import Application
import Logging
import PostgresNIO
import Synchronization

/// Every exchange with PostgreSQL under one bound (STORE_TIMEOUT_SECONDS): getting a pooled
/// connection, and each round trip on it (one statement sent, every row and the completion read).
///
/// PostgresNIO bounds neither. While the server is down, a lease waits for the pool to give up
/// opening connections (its circuit breaker trips after about a minute); a query already sent to a
/// frozen server waits for its answer forever, and cancelling the task does not stop it. So a lease
/// that takes too long is cancelled, and a round trip that takes too long closes its connection:
/// the pool drops it, and a transaction it was in never commits (the server rolls back what it
/// sees of a connection gone before COMMIT).
///
/// The bound is per round trip, not per store call: a call that runs many statements (a claim of
/// fifty items, a reopen) takes as long as its statements need, each one bounded.
struct PostgresRoundTrips: Sendable {
    let client: PostgresClient
    let timeout: Duration
    let logger: Logger

    /// One statement on a pooled connection, its rows collected.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { try await $0.query(query) }
    }

    /// `body` on one pooled connection, got within the bound; each of its statements is bounded.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        let lease = LeaseDeadline()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { [client, timeout, logger] in
                try await client.withConnection { connection in
                    // The bound may have passed while the pool handed the connection over.
                    guard lease.take() else { throw CancellationError() }
                    return try await body(PostgresSession(connection: connection, timeout: timeout, logger: logger))
                }
            }
            group.addTask { [timeout] in
                try? await Task.sleep(for: timeout)
                guard lease.expire() else { return nil }
                try Task.checkCancellation()
                throw StoreError.unavailable("no connection to PostgreSQL within \(timeout)")
            }
            while let outcome = try await group.next() {
                if let value = outcome {
                    group.cancelAll()
                    return value
                }
            }
            throw StoreError.failed("no outcome")
        }
    }

    /// `body` in one transaction on one pooled connection: BEGIN, each statement and COMMIT bounded.
    func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await withConnection { session in try await session.transaction { try await body(session) } }
    }
}

/// A leased connection whose every round trip is bounded (see `PostgresRoundTrips`).
struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let timeout: Duration
    let logger: Logger

    /// One statement, its rows collected: the answer is read whole within the bound.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await roundTrip { try await connection.query(query, logger: logger).collect() }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` fails on a connection still open. A round trip
    /// that timed out has closed the connection, so nothing of the transaction commits.
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await query("BEGIN")
        let value: T
        do {
            value = try await body()
        } catch {
            if !connection.isClosed { _ = try? await query("ROLLBACK") }
            throw error
        }
        try await query("COMMIT")
        return value
    }

    private func roundTrip<T>(_ exchange: () async throws -> T) async throws -> T {
        try Task.checkCancellation()
        let watch = RoundTripWatch()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [connection, timeout] in
                // Cancelled early when the exchange is over; otherwise (bound passed, or the
                // caller cancelled) the connection is closed, which fails the pending query.
                try? await Task.sleep(for: timeout)
                if watch.abandon() { try? await connection.close() }
            }
            do {
                let value = try await exchange()
                _ = watch.finish()
                group.cancelAll()
                return value
            } catch {
                let abandoned = !watch.finish()
                group.cancelAll()
                if abandoned {
                    try Task.checkCancellation()
                    throw StoreError.unavailable("no answer from PostgreSQL within \(timeout)")
                }
                throw error
            }
        }
    }
}

/// Who came first: the pool handing over a connection, or the bound.
private final class LeaseDeadline: Sendable {
    private enum State { case waiting, leased, expired }
    private let state = Mutex(State.waiting)

    /// True when the connection arrived within the bound.
    func take() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return state == .leased }
            state = .leased
            return true
        }
    }

    /// True when the bound passed with no connection.
    func expire() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return state == .expired }
            state = .expired
            return true
        }
    }
}

/// Who came first: the answer, or the watchdog giving up on it.
private final class RoundTripWatch: Sendable {
    private enum State { case running, finished, abandoned }
    private let state = Mutex(State.running)

    /// True when the answer came before the watchdog gave up.
    func finish() -> Bool {
        state.withLock { state in
            guard state == .running else { return state == .finished }
            state = .finished
            return true
        }
    }

    /// True when the watchdog gave up before the answer came.
    func abandon() -> Bool {
        state.withLock { state in
            guard state == .running else { return state == .abandoned }
            state = .abandoned
            return true
        }
    }
}
