import Foundation

/// What happened when a refresh token was presented for rotation.
public enum RotationOutcome: Sendable, Equatable {
    /// The token was fresh: it is now marked used and the next token is stored in its family.
    case rotated(familyID: String, subject: String)
    /// The token had already been used: its whole family is now revoked (a stolen token was
    /// replayed, or a client raced itself).
    case reuseDetected(familyID: String, subject: String)
    /// Unknown, expired, or belonging to a revoked family: nothing changed.
    case invalid
}

/// Persistence of refresh tokens and their families. Tokens are stored only as hashes.
///
/// A family is the chain of refresh tokens issued from one login; revoking it kills every
/// refresh token of the chain and, through the revocation cache, every access token minted from it.
public protocol TokenStore: Sendable {
    /// Starts a family with its first refresh token; `accountFingerprint` is the DSA's password
    /// fingerprint at login (nil: not known), kept with the family for the refresh re-check.
    func startFamily(familyID: String, subject: String, tokenHash: String, accountFingerprint: String?, expiresAt: Date, now: Date) async throws
    /// Atomically marks `presentedHash` used and, if it was fresh, stores `nextHash` in the same
    /// family (its parent being `presentedHash`). Of any number of concurrent calls with the
    /// same hash, exactly one gets `.rotated`; a call on an already-used token revokes the family.
    func rotate(presentedHash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RotationOutcome
    /// Revokes the family the token (used or not) belongs to, keeping the first revocation time.
    func revokeFamily(ofToken tokenHash: String, now: Date) async throws -> FamilyRevocation
    /// When the family started (its login); nil for an unknown or purged family.
    func familyStartedAt(familyID: String) async throws -> Date?
    /// The account fingerprint recorded at the family's login; nil when unknown, purged, or
    /// started before fingerprints were recorded (store migration 7).
    func familyAccountFingerprint(familyID: String) async throws -> String?
    /// Revokes every live (unrevoked, unexpired) family of `subject`; returns their ids.
    func revokeFamilies(subject: String, now: Date) async throws -> [String]
    /// Families revoked at or after `since` (feeds the revocation cache of every replica).
    func revokedFamilies(since: Date) async throws -> [RevokedFamily]
    /// Deletes tokens and families whose expiry is before `now`; returns how many rows went.
    func purgeExpired(now: Date) async throws -> Int
}

extension TokenStore {
    /// A family without an account fingerprint.
    public func startFamily(familyID: String, subject: String, tokenHash: String, expiresAt: Date, now: Date) async throws {
        try await startFamily(familyID: familyID, subject: subject, tokenHash: tokenHash, accountFingerprint: nil, expiresAt: expiresAt, now: now)
    }
}

/// What revoking a token's family did.
public enum FamilyRevocation: Sendable, Equatable {
    /// The family was live and is revoked now.
    case revoked(familyID: String)
    /// The family had been revoked before: nothing changed.
    case alreadyRevoked(familyID: String)
    /// No such token (never issued, or purged after its expiry).
    case unknownToken

    /// The family the token belongs to, revoked now or before.
    public var familyID: String? {
        switch self {
        case .revoked(let id), .alreadyRevoked(let id): id
        case .unknownToken: nil
        }
    }
}

public struct RevokedFamily: Sendable, Equatable {
    public let familyID: String
    public let revokedAt: Date

    public init(familyID: String, revokedAt: Date) {
        self.familyID = familyID
        self.revokedAt = revokedAt
    }
}
