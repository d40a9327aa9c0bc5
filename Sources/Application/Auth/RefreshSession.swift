import Foundation

/// `POST /api/refresh`: trades a refresh token for a new pair, exactly once.
///
/// Rotation is one conditional write in the store, so of concurrent refreshes with the same
/// token only one succeeds; presenting a token that was already used revokes its whole family
/// and every access token minted from it (RFC 6819 §5.2.2.3).
public struct RefreshSession: Sendable {
    private let auth: AuthDependencies

    public init(_ auth: AuthDependencies) {
        self.auth = auth
    }

    public func callAsFunction(refreshToken: String, context: SecurityContext) async throws(ServiceError) -> TokenPair {
        guard !refreshToken.isEmpty else { throw .missingToken }
        guard RefreshTokenShape.isPlausible(refreshToken) else {
            auth.log.record(.refreshRejected, context: context)
            throw .invalidRefreshToken
        }
        let now = auth.clock.now()
        let next = auth.crypto.newRefreshToken()
        let outcome: RotationOutcome
        do {
            outcome = try await auth.store.rotate(
                presentedHash: auth.crypto.storageHash(of: refreshToken), nextHash: auth.crypto.storageHash(of: next),
                nextExpiresAt: now.addingTimeInterval(auth.policy.refreshTokenLifetime), now: now
            )
        } catch {
            throw .storeFailure(error)
        }
        switch outcome {
        case .invalid:
            auth.log.record(.refreshRejected, context: context)
            throw .invalidRefreshToken
        case .reuseDetected(let familyID, let subject):
            await auth.revocations.insert(familyID, at: now)
            auth.log.record(.refreshReuseDetected(dsa: subject, family: familyID), context: context)
            auth.metrics.refreshReuseDetected()
            throw .invalidRefreshToken
        case .rotated(let familyID, let subject):
            // The login may be too old to renew, or the DSA deleted, locked or given another
            // password since it logged in (ASVS 7.4.2).
            let status: AccountStatus
            let recorded: String?
            do {
                if let maximum = auth.policy.refreshFamilyMaxLifetime,
                   let started = try await auth.store.familyStartedAt(familyID: familyID), now.timeIntervalSince(started) >= maximum {
                    await revoke(familyID, next: next, now: now)
                    auth.log.record(.refreshRejected, context: context)
                    throw ServiceError.invalidRefreshToken
                }
                status = try await auth.accounts.fresh(subject, now: now)
                recorded = try await auth.store.familyAccountFingerprint(familyID: familyID)
            } catch let error as ServiceError {
                throw error
            } catch {
                throw .storeFailure(error)
            }
            if let reason = status.endsSession(recorded: recorded) {
                await revoke(familyID, next: next, now: now)
                auth.log.record(.sessionEndedByAccount(dsa: subject, family: familyID, reason: reason), context: context)
                throw .accountChanged
            }
            auth.log.record(.refreshed(dsa: subject, family: familyID), context: context)
            return try await auth.pair(subject: subject, familyID: familyID, refreshToken: next, fingerprint: status.fingerprint)
        }
    }

    /// Revokes the family just rotated (through its new token), here and, by the store, everywhere.
    private func revoke(_ familyID: String, next: String, now: Date) async {
        _ = try? await auth.store.revokeFamily(ofToken: auth.crypto.storageHash(of: next), now: now)
        await auth.revocations.insert(familyID, at: now)
    }
}

/// Refresh tokens are 43 base64url characters (256 bits); anything else is refused before a lookup.
enum RefreshTokenShape {
    static func isPlausible(_ token: String) -> Bool {
        token.utf8.count >= 40 && token.utf8.count <= 128
            && token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }
    }
}
