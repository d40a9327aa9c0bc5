/// The ports the authentication use cases share.
public struct AuthDependencies: Sendable {
    public let directory: any DSADirectory
    public let store: any TokenStore
    public let codec: any AccessTokenCodec
    public let crypto: any TokenCrypto
    public let clock: any WallClock
    public let log: any SecurityEventLog
    public let throttle: LoginThrottle
    public let revocations: RevocationCache
    public let policy: AuthPolicy
    public let fingerprinter: any PasswordFingerprinter
    /// The DSA account states access tokens are checked against (bound: `policy.accountRecheckInterval`).
    public let accounts: AccountStateCache
    public let metrics: any OperationMetrics

    public init(
        directory: any DSADirectory, store: any TokenStore, codec: any AccessTokenCodec, crypto: any TokenCrypto,
        fingerprinter: any PasswordFingerprinter, clock: any WallClock, log: any SecurityEventLog, throttle: LoginThrottle,
        revocations: RevocationCache, policy: AuthPolicy, metrics: any OperationMetrics = NoOperationMetrics()
    ) {
        self.fingerprinter = fingerprinter
        accounts = AccountStateCache(directory: directory, fingerprinter: fingerprinter, bound: policy.accountRecheckInterval)
        self.directory = directory
        self.store = store
        self.codec = codec
        self.crypto = crypto
        self.clock = clock
        self.log = log
        self.throttle = throttle
        self.revocations = revocations
        self.policy = policy
        self.metrics = metrics
    }

    /// Mints an access token for `subject` in `familyID` and pairs it with `refreshToken`;
    /// `fingerprint` (the account's now) goes into the token as its short id.
    func pair(subject: String, familyID: String, refreshToken: String, fingerprint: String?) async throws(ServiceError) -> TokenPair {
        let now = clock.now()
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            subject: subject, familyID: familyID, tokenID: crypto.newIdentifier(),
            issuedAt: issuedAt, notBefore: issuedAt, expiresAt: issuedAt.addingTimeInterval(policy.accessTokenLifetime),
            accountFingerprintID: fingerprint.map(AccountStatus.fingerprintID)
        )
        do {
            let access = try await codec.issue(claims)
            return TokenPair(accessToken: access, refreshToken: refreshToken, expiresIn: Int(policy.accessTokenLifetime))
        } catch {
            throw ServiceError(.internalFailure, code: "auth.signing_failed", message: "could not sign the token")
        }
    }
}

import Foundation
