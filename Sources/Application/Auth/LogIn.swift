import Foundation

/// `POST /api/login`: a DSA proves its password to the directory and receives a token pair.
///
/// Unknown user, wrong password, disabled or locked account and an ambiguous name all get the
/// same answer, so the endpoint tells an attacker nothing (PHP bugs §10 #1, #4, #5 fixed by
/// letting the directory check the password through a bind).
public struct LogIn: Sendable {
    private let auth: AuthDependencies

    public init(_ auth: AuthDependencies) {
        self.auth = auth
    }

    public func callAsFunction(username: String, password: String, context: SecurityContext) async throws(ServiceError) -> TokenPair {
        guard !username.isEmpty, !password.isEmpty, username.utf8.count <= 256, password.utf8.count <= 1024 else {
            throw .missingCredentials
        }
        let now = auth.clock.now()
        if let wait = await auth.throttle.retryAfter(username: username, address: context.clientIP, now: now) {
            auth.log.record(.loginThrottled(username: username), context: context)
            throw .throttled(retryAfter: wait)
        }

        let account: DSAAccount
        let fingerprint: String
        do {
            let matches = try await auth.directory.accounts(named: username)
            guard matches.count == 1, let only = matches.first,
                  try await auth.directory.verifyPassword(of: only, password: password) else {
                await fail(username, matches.isEmpty ? "unknown account" : matches.count > 1 ? "ambiguous name" : "wrong password", context)
                throw ServiceError.invalidAuthentication
            }
            // The password the session starts from, for the refresh and access re-checks; the
            // account changing between the bind and this read ends the login like a wrong password.
            guard case .active(let current) = try await auth.accounts.fresh(only.dn, now: now) else {
                await fail(username, "account changed during login", context)
                throw ServiceError.invalidAuthentication
            }
            account = only
            fingerprint = current
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .storeFailure(error)
        }
        await auth.throttle.recordSuccess(username: username, address: context.clientIP)

        let familyID = auth.crypto.newIdentifier()
        let refreshToken = auth.crypto.newRefreshToken()
        do {
            try await auth.store.startFamily(
                familyID: familyID, subject: account.dn, tokenHash: auth.crypto.storageHash(of: refreshToken), accountFingerprint: fingerprint,
                expiresAt: now.addingTimeInterval(min(auth.policy.refreshTokenLifetime, auth.policy.refreshFamilyMaxLifetime ?? .infinity)), now: now
            )
        } catch {
            throw .storeFailure(error)
        }
        auth.log.record(.loginSucceeded(dsa: account.dn), context: context)
        return try await auth.pair(subject: account.dn, familyID: familyID, refreshToken: refreshToken, fingerprint: fingerprint)
    }

    private func fail(_ username: String, _ reason: String, _ context: SecurityContext) async {
        await auth.throttle.recordFailure(username: username, address: context.clientIP, now: auth.clock.now())
        auth.metrics.loginFailed()
        auth.log.record(.loginFailed(username: username, reason: reason), context: context)
    }
}
