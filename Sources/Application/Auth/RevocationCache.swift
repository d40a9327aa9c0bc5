import Foundation

/// The refresh-token families revoked recently, checked on every authenticated request.
///
/// A revocation made by this process is visible at once; one made by another replica arrives
/// with the next `refresh()`, which the service runs every 500 ms, so a revoked family's access
/// tokens die everywhere within a second. Entries are kept as long as an access token minted
/// before the revocation could still be alive.
public actor RevocationCache {
    private let store: any TokenStore
    private let retention: TimeInterval
    private var revoked: [String: Date] = [:]
    private var lastPoll: Date?

    /// `retention`: the access-token lifetime plus clock skew.
    public init(store: any TokenStore, retention: TimeInterval) {
        self.store = store
        self.retention = retention
    }

    public func isRevoked(_ familyID: String) -> Bool {
        revoked[familyID] != nil
    }

    public func insert(_ familyID: String, at date: Date) {
        revoked[familyID] = date
    }

    /// Pulls revocations made since the last poll (with an overlap for clock differences between
    /// replicas) and forgets the ones too old to matter.
    public func refresh(now: Date) async throws {
        let since = (lastPoll ?? now.addingTimeInterval(-retention)).addingTimeInterval(-5)
        let recent = try await store.revokedFamilies(since: since)
        for family in recent { revoked[family.familyID] = family.revokedAt }
        lastPoll = now
        revoked = revoked.filter { now.timeIntervalSince($0.value) < retention }
    }

    public var count: Int { revoked.count }
}
