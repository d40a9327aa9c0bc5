import Application

/// At most `width` large listings are built at once; the others wait their turn in FIFO order.
///
/// A page of 10,000 sub-tasks is held twice while it is built (the sub-tasks, then the JSON), so
/// sixteen at once would need several hundred MiB; through the gate the peak stays near `width`
/// pages whatever the number of connections, and the extra requests are answered a little later.
/// The wait is bounded like the LDAP pool's: past `maxWaiting` waiters or `maxWait`, 503
/// `listing.busy` with Retry-After.
public actor ListingGate {
    private let width: Int
    private let maxWaiting: Int
    private let maxWait: Duration
    private var running = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    public init(width: Int, maxWaiting: Int = 256, maxWait: Duration = .seconds(30)) {
        self.width = max(1, width)
        self.maxWaiting = maxWaiting
        self.maxWait = maxWait
    }

    /// Runs `body` once a place is free; the place is given back whatever `body` does.
    public nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async throws {
        if running < width {
            running += 1
            return
        }
        guard waiters.count < maxWaiting else { throw Self.busy }
        nextID += 1
        let id = nextID
        let wait = maxWait
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiters.append((id, continuation))
                Task { [weak self] in
                    try? await Task.sleep(for: wait)
                    await self?.abandon(id, with: Self.busy)
                }
            }
        } onCancel: {
            Task { await self.abandon(id, with: CancellationError()) }
        }
    }

    /// The place goes straight to the first waiter, if any.
    private func leave() {
        if waiters.isEmpty {
            running -= 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func abandon(_ id: UInt64, with error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }

    static let busy = ServiceError(
        .unavailable, code: "listing.busy", message: "too many large listings are waiting; try again shortly", retryAfterSeconds: 1
    )
}
