import Application
import Domain
import Foundation

/// Prolongation grants of one process, for tests.
public actor InMemoryProlongationGrants: ProlongationGrants {
    private var grants: [String: ProlongationGrant] = [:]

    public init() {}

    public func issue(_ grant: ProlongationGrant) {
        if grants[grant.tokenHash] == nil { grants[grant.tokenHash] = grant }
    }

    public func grant(tokenHash: String) -> ProlongationGrant? { grants[tokenHash] }

    public func redeem(tokenHash: String, now: Date) -> ProlongationGrant? {
        guard let grant = grants[tokenHash], grant.usedAt == nil, grant.expiresAt > now else { return nil }
        let used = ProlongationGrant(tokenHash: grant.tokenHash, userDN: grant.userDN, taskDN: grant.taskDN, callDays: grant.callDays, expiresAt: grant.expiresAt, usedAt: now)
        grants[tokenHash] = used
        return used
    }

    public func release(tokenHash: String) {
        guard let grant = grants[tokenHash] else { return }
        grants[tokenHash] = ProlongationGrant(tokenHash: grant.tokenHash, userDN: grant.userDN, taskDN: grant.taskDN, callDays: grant.callDays, expiresAt: grant.expiresAt)
    }
}
