import Foundation

/// What an access token says, once verified.
public struct AccessTokenClaims: Sendable, Equatable {
    /// The DSA's DN.
    public let subject: String
    /// The refresh-token family the token was minted from: revoking the family revokes it.
    public let familyID: String
    public let tokenID: String
    public let issuedAt: Date
    public let notBefore: Date
    public let expiresAt: Date
    /// A short id of the DSA's password fingerprint when the token was minted (claim `afp`), so
    /// a token minted before a password change is refused; nil in tokens minted without one.
    public let accountFingerprintID: String?

    public init(subject: String, familyID: String, tokenID: String, issuedAt: Date, notBefore: Date, expiresAt: Date, accountFingerprintID: String? = nil) {
        self.subject = subject
        self.familyID = familyID
        self.tokenID = tokenID
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.accountFingerprintID = accountFingerprintID
    }
}

/// Why a presented access token was refused.
public enum AccessTokenRejection: Error, Sendable, Equatable {
    /// Not a JWT, or not one of ours (header, type or claims of the wrong shape).
    case malformed
    case invalidSignature
    case expired
    case notYetValid
    /// Issuer or audience is not this service.
    case foreign
}

/// Signs and verifies access tokens.
public protocol AccessTokenCodec: Sendable {
    func issue(_ claims: AccessTokenClaims) async throws -> String
    /// Verifies signature, type and claims; `now` with the configured clock-skew leeway.
    func verify(_ token: String, now: Date) async throws(AccessTokenRejection) -> AccessTokenClaims
}

/// Random identifiers and refresh tokens, and the one-way hash refresh tokens are stored as.
public protocol TokenCrypto: Sendable {
    /// An opaque refresh token carrying at least 256 random bits.
    func newRefreshToken() -> String
    /// A random identifier (token ids, family ids).
    func newIdentifier() -> String
    /// The hash under which a refresh token is stored (hex SHA-256).
    func storageHash(of refreshToken: String) -> String
}
