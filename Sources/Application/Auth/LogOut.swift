/// `POST /api/logout`: revokes the family of the presented refresh token and, through the
/// revocation cache, its access tokens. An unknown token still succeeds (RFC 7009 §2.2).
public struct LogOut: Sendable {
    private let auth: AuthDependencies

    public init(_ auth: AuthDependencies) {
        self.auth = auth
    }

    public func callAsFunction(refreshToken: String, context: SecurityContext) async throws(ServiceError) {
        guard !refreshToken.isEmpty else { throw .missingToken }
        guard RefreshTokenShape.isPlausible(refreshToken) else {
            auth.log.record(.loggedOut(family: nil), context: context)
            return
        }
        let now = auth.clock.now()
        let familyID: String?
        do {
            familyID = try await auth.store.revokeFamily(ofToken: auth.crypto.storageHash(of: refreshToken), now: now)
        } catch {
            throw .storeFailure(error)
        }
        if let familyID { await auth.revocations.insert(familyID, at: now) }
        auth.log.record(.loggedOut(family: familyID), context: context)
    }
}
