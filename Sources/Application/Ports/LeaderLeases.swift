import Foundation

/// Who leads a scheduled operation across replicas: one owner at a time holds a named lease until
/// it expires; its fencing counter grows every time the lease changes hands (or lapses), so work
/// started under an older counter can be refused.
public protocol LeaderLeases: Sendable {
    /// Takes or renews the lease `name` for `owner` until `until`, in one conditional write: it is
    /// granted when free, expired at `now`, or already `owner`'s; nil when another owner holds it.
    func hold(_ name: String, owner: String, now: Date, until: Date) async throws -> LeaderLease?
    /// Gives the lease up (a leader that stops), so another replica need not wait for it to expire.
    func release(_ lease: LeaderLease) async throws
}

/// A lease as granted: its fencing counter identifies this tenure.
public struct LeaderLease: Sendable, Equatable {
    public let name: String
    public let owner: String
    public let fence: Int64
    public let expiresAt: Date

    public init(name: String, owner: String, fence: Int64, expiresAt: Date) {
        self.name = name
        self.owner = owner
        self.fence = fence
        self.expiresAt = expiresAt
    }

    /// Whether `renewed` continues this tenure (same owner, no other holder in between).
    public func continues(in renewed: LeaderLease?) -> Bool {
        guard let renewed else { return false }
        return renewed.owner == owner && renewed.fence == fence
    }
}
