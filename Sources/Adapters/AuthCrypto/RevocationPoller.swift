import AdapterSupport
import Application
import Foundation
import Logging
import ServiceLifecycle

/// Keeps this replica's revocation cache in step with the store (every 500 ms) and purges
/// expired refresh tokens (every 10 minutes).
public struct RevocationPoller: Service {
    private let cache: RevocationCache
    private let store: any TokenStore
    private let clock: any WallClock
    private let logger: Logger
    private let interval: Duration
    private let gate: StartupGate

    /// Polling starts once `gate` opens (after the store's migrations).
    public init(cache: RevocationCache, store: any TokenStore, clock: any WallClock, logger: Logger, gate: StartupGate, interval: Duration = .milliseconds(500)) {
        self.gate = gate
        self.cache = cache
        self.store = store
        self.clock = clock
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await gate.wait() }
        var lastPurge = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cache.refresh(now: clock.now())
                if ContinuousClock.now - lastPurge > .seconds(600) {
                    let removed = try await store.purgeExpired(now: clock.now())
                    lastPurge = ContinuousClock.now
                    if removed > 0 { logger.info("purged expired refresh tokens", metadata: ["rows": "\(removed)"]) }
                }
            } catch {
                logger.warning("revocation poll failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
