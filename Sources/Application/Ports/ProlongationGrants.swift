import Domain
import Foundation

/// The prolongation links the service serves itself (PROLONGATION_MODE=orchestrator), kept in the
/// state store by the hash of their token only.
public protocol ProlongationGrants: Sendable {
    /// Records a grant; one already stored under the same hash is kept as it is.
    func issue(_ grant: ProlongationGrant) async throws
    /// The grant of that hash, used or not.
    func grant(tokenHash: String) async throws -> ProlongationGrant?
    /// Marks the grant used when it is unused and unexpired at `now`, and returns it; nil otherwise.
    /// Of two concurrent calls, one wins.
    func redeem(tokenHash: String, now: Date) async throws -> ProlongationGrant?
    /// Gives a redeemed grant back when its prolongation could not be applied (the directory was down).
    func release(tokenHash: String) async throws
}
