/// `POST /api/logout`: revokes the family of the presented refresh token and, through the
/// revocation cache, its access tokens, and says which happened.
///
/// Something that cannot be a refresh token (garbage, an access token) is refused: answering
/// "logged out" to it would tell a client its session ended when nothing was touched. A
/// well-formed but unknown or already revoked token is not an error (RFC 7009 §2.2) but is
/// reported as revoking nothing.
public struct LogOut: Sendable {
    private let auth: AuthDependencies

    public enum Outcome: Sendable, Equatable {
        /// The token's family was live and is now revoked, with every access token minted from it.
        case revoked
        /// The token is unknown, expired and purged, or its family was already revoked.
        case nothingRevoked
    }

    public init(_ auth: AuthDependencies) {
        self.auth = auth
    }

    public func callAsFunction(refreshToken: String, context: SecurityContext) async throws(ServiceError) -> Outcome {
        guard !refreshToken.isEmpty else { throw .missingToken }
        guard RefreshTokenShape.isPlausible(refreshToken) else {
            auth.log.record(.refreshRejected, context: context)
            throw .invalidRefreshToken
        }
        let now = auth.clock.now()
        let revocation: FamilyRevocation
        do {
            revocation = try await auth.store.revokeFamily(ofToken: auth.crypto.storageHash(of: refreshToken), now: now)
        } catch {
            throw .storeFailure(error)
        }
        // Already revoked families are cached too: this replica may not have polled them yet.
        if let familyID = revocation.familyID { await auth.revocations.insert(familyID, at: now) }
        switch revocation {
        case .revoked(let familyID):
            auth.log.record(.loggedOut(family: familyID), context: context)
            return .revoked
        case .alreadyRevoked, .unknownToken:
            auth.log.record(.loggedOut(family: nil), context: context)
            return .nothingRevoked
        }
    }
}
