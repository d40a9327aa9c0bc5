import Domain
import Foundation

/// `POST /api/sessions/revoke`: ends every session (refresh-token family and the access tokens
/// minted from it) of one DSA, at once in this process and within the revocation poll elsewhere.
///
/// A DSA may revoke its own sessions; those named in ADMIN_DSAS may revoke anyone's. Whether a
/// DSA exists is told only to those allowed to revoke its sessions.
public struct RevokeSessions: Sendable {
    private let auth: AuthDependencies

    public struct Outcome: Sendable, Equatable {
        /// The DN of the DSA whose sessions were revoked.
        public let dsa: String
        /// How many live sessions were revoked now.
        public let revoked: Int
    }

    public init(_ auth: AuthDependencies) {
        self.auth = auth
    }

    /// `caller`: the DN of the authenticated DSA; `name`: the cn of the DSA whose sessions go.
    public func callAsFunction(caller: String, name: String, context: SecurityContext) async throws(ServiceError) -> Outcome {
        let wanted = LoginThrottle.comparableName(name)
        guard !wanted.isEmpty, name.utf8.count <= 256 else { throw .missingDSA }
        let callerName = (try? DistinguishedName(parsing: caller))?.rdn?.value(of: "cn").map(LoginThrottle.comparableName)
        guard let callerName, callerName == wanted || auth.policy.adminDSAs.contains(callerName) else {
            auth.log.record(.accessRejected(reason: "session revocation of another DSA"), context: context)
            throw .revocationForbidden
        }
        let now = auth.clock.now()
        let families: [String]
        let dsa: String
        do {
            let matches = try await auth.directory.accounts(named: name)
            guard matches.count == 1, let only = matches.first else { throw ServiceError.unknownDSA }
            dsa = only.dn
            families = try await auth.store.revokeFamilies(subject: dsa, now: now)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .storeFailure(error)
        }
        for family in families { await auth.revocations.insert(family, at: now) }
        auth.log.record(.sessionsRevoked(dsa: dsa, by: caller, count: families.count), context: context)
        return Outcome(dsa: dsa, revoked: families.count)
    }
}
