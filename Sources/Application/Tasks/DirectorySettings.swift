import Domain
import Foundation

/// The FD configuration (time zone, anti-spam limits, RDNs), read once and reused for `ttl`.
///
/// Every task request needs the directory's time zone; reading it each time cost the PHP version
/// two extra binds per request (spec §10 #9).
public actor DirectorySettings {
    public struct Snapshot: Sendable {
        public let configuration: FDConfiguration
        /// The directory's zone, or UTC when fdTimezone is missing or unusable (see `zoneProblem`).
        public let zone: TimeZone
        public let zoneProblem: String?
    }

    private let directory: any TaskDirectory
    private let clock: any WallClock
    private let ttl: TimeInterval
    private var cached: (snapshot: Snapshot, readAt: Date)?

    public init(directory: any TaskDirectory, clock: any WallClock, ttl: TimeInterval = 60) {
        self.directory = directory
        self.clock = clock
        self.ttl = ttl
    }

    public func current() async throws(ServiceError) -> Snapshot {
        let now = clock.now()
        if let cached, now.timeIntervalSince(cached.readAt) < ttl { return cached.snapshot }
        let configuration: FDConfiguration
        do {
            configuration = try await directory.configuration()
        } catch let error as DirectoryError {
            throw error.serviceError
        } catch {
            throw ServiceError(.internalFailure, code: "internal", message: "could not read the FusionDirectory configuration")
        }
        let snapshot: Snapshot
        switch configuration.timeZone {
        case .success(let zone): snapshot = Snapshot(configuration: configuration, zone: zone.zone, zoneProblem: zone.note)
        case .failure(let error): snapshot = Snapshot(configuration: configuration, zone: DirectoryTimeZone.utc, zoneProblem: error.message + "; using UTC")
        }
        cached = (snapshot, now)
        return snapshot
    }
}
