import Foundation

/// Lifetimes and limits of the authentication use cases (from TOKEN_EXPIRY / REFRESH_EXPIRY).
public struct AuthPolicy: Sendable {
    public var accessTokenLifetime: TimeInterval
    public var refreshTokenLifetime: TimeInterval
    /// How long a family (one login and all its rotations) may be refreshed at all; nil = no limit.
    public var refreshFamilyMaxLifetime: TimeInterval?
    /// Accepted difference between our clock and a token's times.
    public var clockSkew: TimeInterval

    public init(accessTokenLifetime: TimeInterval = 300, refreshTokenLifetime: TimeInterval = 432_000, refreshFamilyMaxLifetime: TimeInterval? = nil, clockSkew: TimeInterval = 60) {
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.refreshFamilyMaxLifetime = refreshFamilyMaxLifetime
        self.clockSkew = clockSkew
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
