import Foundation

/// Lifetimes and limits of the authentication use cases (from TOKEN_EXPIRY / REFRESH_EXPIRY).
public struct AuthPolicy: Sendable {
    public var accessTokenLifetime: TimeInterval
    public var refreshTokenLifetime: TimeInterval
    /// How long a family (one login and all its rotations) may be refreshed at all; nil = no limit.
    public var refreshFamilyMaxLifetime: TimeInterval?
    /// Accepted difference between our clock and a token's times.
    public var clockSkew: TimeInterval
    /// How old the DSA account state an access token is checked against may be (ACCOUNT_RECHECK_SECONDS).
    public var accountRecheckInterval: TimeInterval
    /// DSAs that may revoke the sessions of any DSA (ADMIN_DSAS), as `LoginThrottle.comparableName`.
    public var adminDSAs: Set<String>

    public init(
        accessTokenLifetime: TimeInterval = 300, refreshTokenLifetime: TimeInterval = 432_000, refreshFamilyMaxLifetime: TimeInterval? = nil,
        clockSkew: TimeInterval = 60, accountRecheckInterval: TimeInterval = 30, adminDSAs: [String] = []
    ) {
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.refreshFamilyMaxLifetime = refreshFamilyMaxLifetime
        self.clockSkew = clockSkew
        self.accountRecheckInterval = accountRecheckInterval
        self.adminDSAs = Set(adminDSAs.map(LoginThrottle.comparableName))
    }
}

/// An access token and the refresh token that renews it.
public struct TokenPair: Sendable, Equatable {
    public let accessToken: String
    public let refreshToken: String
    public let expiresIn: Int

    public init(accessToken: String, refreshToken: String, expiresIn: Int) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }
}

/// The errors of the authentication endpoints. Messages are the PHP orchestrator's, which
/// existing clients print; codes are stable slugs.
extension ServiceError {
    public static let missingCredentials = ServiceError(.invalidInput, code: "auth.missing_credentials", message: "missing login credentials")
    public static let invalidAuthentication = ServiceError(.unauthenticated, code: "auth.invalid_credentials", message: "invalid authentication")
    public static let missingToken = ServiceError(.invalidInput, code: "auth.missing_token", message: "missing token")
    public static let invalidRefreshToken = ServiceError(.invalidInput, code: "auth.invalid_token", message: "invalid token")
    public static let missingBearer = ServiceError(.unauthenticated, code: "auth.missing_bearer", message: "missing or malformed authorization header")
    public static let invalidSignature = ServiceError(.unauthenticated, code: "auth.invalid_signature", message: "invalid signature")
    public static let tokenExpired = ServiceError(.unauthenticated, code: "auth.token_expired", message: "token has expired")
    public static let malformedToken = ServiceError(.unauthenticated, code: "auth.malformed_token", message: "invalid token")
    public static let tokenRevoked = ServiceError(.unauthenticated, code: "auth.token_revoked", message: "token has been revoked")
    /// The DSA was deleted or locked, or its password changed, since the session's login.
    /// The message stays the PHP orchestrator's login refusal, which clients print.
    public static let accountChanged = ServiceError(.unauthenticated, code: "auth.account_changed", message: "invalid authentication")
    public static let missingDSA = ServiceError(.invalidInput, code: "session.missing_dsa", message: "missing dsa: the cn of the DSA whose sessions to revoke")
    public static let revocationForbidden = ServiceError(.forbidden, code: "session.forbidden", message: "only the DSA itself or one of ADMIN_DSAS may revoke its sessions")
    public static let unknownDSA = ServiceError(.notFound, code: "session.unknown_dsa", message: "no such DSA")

    public static func throttled(retryAfter: Int) -> ServiceError {
        ServiceError(.tooManyRequests, code: "auth.throttled", message: "too many failed logins; retry in \(retryAfter) s", retryAfterSeconds: retryAfter)
    }

    static func storeFailure(_ error: any Error) -> ServiceError {
        if let coded = error as? any CodedError {
            return ServiceError(.unavailable, code: coded.code, message: coded.message)
        }
        return ServiceError(.internalFailure, code: "internal", message: "internal error")
    }
}
