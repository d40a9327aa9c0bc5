/// Checks the `Authorization: Bearer …` of a protected request.
///
/// Only access tokens pass: a refresh token is opaque, not a JWT, so it can never be used as a
/// bearer (PHP bug §10 #2); a token of a revoked family is refused (§10 #3), and so is one whose
/// DSA was deleted, locked or given another password, within `AuthPolicy.accountRecheckInterval`.
public struct AuthenticateRequest: Sendable {
    private let auth: AuthDependencies

    public init(_ auth: AuthDependencies) {
        self.auth = auth
    }

    public func callAsFunction(authorization: String?, context: SecurityContext) async throws(ServiceError) -> AccessTokenClaims {
        guard let token = Self.bearerToken(authorization) else {
            auth.log.record(.accessRejected(reason: "missing or malformed header"), context: context)
            throw .missingBearer
        }
        let claims: AccessTokenClaims
        do {
            claims = try await auth.codec.verify(token, now: auth.clock.now())
        } catch {
            auth.log.record(.accessRejected(reason: "\(error)"), context: context)
            switch error {
            case .invalidSignature: throw .invalidSignature
            case .expired: throw .tokenExpired
            case .malformed, .notYetValid, .foreign: throw .malformedToken
            }
        }
        if await auth.revocations.isRevoked(claims.familyID) {
            auth.log.record(.accessRejected(reason: "revoked family"), context: context)
            throw .tokenRevoked
        }
        // The DSA may have been deleted, locked or given another password since the token's login.
        let status: AccountStatus
        do {
            status = try await auth.accounts.status(of: claims.subject, now: auth.clock.now())
        } catch {
            auth.log.record(.accessRejected(reason: "account check failed"), context: context)
            throw ServiceError.from(error, doing: "the account check")
        }
        if let reason = status.endsSession(recorded: claims.accountFingerprintID) {
            auth.log.record(.sessionEndedByAccount(dsa: claims.subject, family: claims.familyID, reason: reason), context: context)
            throw .accountChanged
        }
        return claims
    }

    /// `Bearer <token>`, scheme case-insensitive (RFC 7235 §2.1), exactly one space-free token.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].utf8.count <= 8192 else { return nil }
        return String(parts[1])
    }
}
