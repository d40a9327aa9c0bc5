import Application
import AuthCryptoAdapter
@testable import Bootstrap
import Foundation
import HummingbirdTesting
import LDAPAdapter
import Logging
import Testing

extension LiveServices {
    /// Sessions die with the account (ASVS 7.4.2), against slapd with the ppolicy overlay: a
    /// DSA locked, given another password or deleted loses its refresh and access tokens, and
    /// `POST /api/sessions/revoke` ends every session of a DSA. Each test has its own DSAs.
    @Suite struct SessionAccountTests {
        let services = TestServices.shared

        /// A DSA of this test alone, with a clear-text password (slapd binds with it as is).
        struct TestDSA {
            let cn: String
            let dn: String
            let password: String
        }

        func ldap() throws -> LDAPClient {
            LDAPClient(configuration: .init(url: try services.ldapURL, bindDN: try services.ldapAdmin, password: try services.ldapPassword))
        }

        func makeDSA(_ ldap: LDAPClient, _ role: String) async throws -> TestDSA {
            let cn = "session-\(role)-\(UUID().uuidString.prefix(8).lowercased())"
            let dsa = TestDSA(cn: cn, dn: "cn=\(cn),ou=dsa,\(try services.ldapBase)", password: "\(cn)-pass")
            try await ldap.add(dsa.dn, attributes: [
                ("objectClass", ["organizationalRole", "simpleSecurityObject"]), ("cn", [cn]), ("userPassword", [dsa.password]),
            ])
            return dsa
        }

        func remove(_ ldap: LDAPClient, _ dsas: TestDSA...) async {
            for dsa in dsas { try? await ldap.delete(dsa.dn) }
        }

        /// ACCOUNT_RECHECK_SECONDS=1 and a clock the test moves: "within the bound" without sleeping.
        func app(_ clock: MovableClock, store: Composition.Store? = nil, _ overrides: [String: String] = [:]) async throws -> Composition.App {
            var values = ["ACCOUNT_RECHECK_SECONDS": "1"]
            for (key, value) in overrides { values[key] = value }
            return try await Composition.makeApplication(
                settings: try services.settings(values), store: try store ?? services.embeddedStore(), clock: clock, logger: Logger(label: "session-account")
            )
        }

        @Test(.timeLimit(.minutes(1)))
        func aLockedDSALosesItsAccessAndRefreshTokensAndCannotLogIn() async throws {
            let ldap = try ldap()
            let dsa = try await makeDSA(ldap, "locked")
            let clock = MovableClock()
            try await app(clock).test(.router) { client in
                let login = try await client.login(dsa.cn, dsa.password)
                #expect(login.status == .ok)
                let access = try #require(login["access_token"])
                #expect(try await client.json(.get, "/api/session", bearer: access).status == .ok)

                // ppolicy's "locked until an administrator unlocks".
                try await ldap.modify(dsa.dn, [.replace("pwdAccountLockedTime", ["000001010000Z"])])
                clock.advance(by: 2)
                let refused = try await client.json(.get, "/api/session", bearer: access)
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "auth.account_changed")
                #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)

                let refresh = try await client.json(.post, "/api/refresh", body: ["token": try #require(login["refresh_token"])])
                #expect(refresh.status == .unauthorized)
                #expect(refresh.errorCode == "auth.account_changed")
                #expect(refresh.message == "invalid authentication")
                // ppolicy refuses the bind itself.
                #expect(try await client.login(dsa.cn, dsa.password).status == .unauthorized)
            }
            await remove(ldap, dsa)
        }

        @Test(.timeLimit(.minutes(1)))
        func aPasswordChangeEndsTheSessionsOfTheOldPasswordOnly() async throws {
            let ldap = try ldap()
            let dsa = try await makeDSA(ldap, "repass")
            let clock = MovableClock()
            try await app(clock).test(.router) { client in
                let before = try await client.login(dsa.cn, dsa.password)
                let oldAccess = try #require(before["access_token"])
                #expect(try await client.json(.get, "/api/session", bearer: oldAccess).status == .ok)

                try await ldap.modify(dsa.dn, [.replace("userPassword", ["\(dsa.password)-new"])])
                let refresh = try await client.json(.post, "/api/refresh", body: ["token": try #require(before["refresh_token"])])
                #expect(refresh.status == .unauthorized)
                #expect(refresh.errorCode == "auth.account_changed")

                // A login with the new password works, and its tokens do.
                let after = try await client.login(dsa.cn, "\(dsa.password)-new")
                #expect(after.status == .ok)
                let newAccess = try #require(after["access_token"])
                clock.advance(by: 2)
                #expect(try await client.json(.get, "/api/session", bearer: newAccess).status == .ok)
                #expect(try await client.json(.post, "/api/refresh", body: ["token": try #require(after["refresh_token"])]).status == .ok)
                // The old access token was minted under the old password (its family is revoked too).
                #expect(try await client.json(.get, "/api/session", bearer: oldAccess).status == .unauthorized)
            }
            await remove(ldap, dsa)
        }

        @Test(.timeLimit(.minutes(1)))
        func anAccessTokenMintedBeforeAPasswordChangeIsRefusedWithinTheBound() async throws {
            let ldap = try ldap()
            let dsa = try await makeDSA(ldap, "access")
            let clock = MovableClock()
            try await app(clock).test(.router) { client in
                let access = try #require(try await client.login(dsa.cn, dsa.password)["access_token"])
                try await ldap.modify(dsa.dn, [.replace("userPassword", ["\(dsa.password)-new"])])
                clock.advance(by: 2)
                let refused = try await client.json(.get, "/api/session", bearer: access)
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "auth.account_changed")
            }
            await remove(ldap, dsa)
        }

        @Test(.timeLimit(.minutes(1)))
        func aDeletedDSALosesItsAccessAndRefreshTokens() async throws {
            let ldap = try ldap()
            let dsa = try await makeDSA(ldap, "deleted")
            let clock = MovableClock()
            try await app(clock).test(.router) { client in
                let login = try await client.login(dsa.cn, dsa.password)
                let access = try #require(login["access_token"])
                try await ldap.delete(dsa.dn)
                clock.advance(by: 2)
                #expect(try await client.json(.get, "/api/session", bearer: access).errorCode == "auth.account_changed")
                let refresh = try await client.json(.post, "/api/refresh", body: ["token": try #require(login["refresh_token"])])
                #expect(refresh.status == .unauthorized)
                #expect(refresh.errorCode == "auth.account_changed")
                // The family is revoked: the same token is now simply invalid.
                #expect(try await client.json(.post, "/api/refresh", body: ["token": try #require(login["refresh_token"])]).status == .badRequest)
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func withRecheckZeroEveryRequestSeesTheLockAtOnce() async throws {
            let ldap = try ldap()
            let dsa = try await makeDSA(ldap, "zero")
            try await app(MovableClock(), ["ACCOUNT_RECHECK_SECONDS": "0"]).test(.router) { client in
                let access = try #require(try await client.login(dsa.cn, dsa.password)["access_token"])
                #expect(try await client.json(.get, "/api/session", bearer: access).status == .ok)
                try await ldap.modify(dsa.dn, [.replace("pwdAccountLockedTime", ["000001010000Z"])])
                #expect(try await client.json(.get, "/api/session", bearer: access).errorCode == "auth.account_changed")
            }
            await remove(ldap, dsa)
        }

        @Test(.timeLimit(.minutes(1)), arguments: [StoreBackend.embedded, .postgres])
        func anAdminRevokesEverySessionOfADSAAndOthersGet403(_ backend: StoreBackend) async throws {
            let ldap = try ldap()
            let admin = try await makeDSA(ldap, "admin")
            let target = try await makeDSA(ldap, "target")
            let other = try await makeDSA(ldap, "other")
            let store = try backend == .postgres ? services.postgresStore() : services.embeddedStore()
            try await app(MovableClock(), store: store, ["ADMIN_DSAS": "someone-else, \(admin.cn.uppercased())"]).test(.router) { client in
                let first = try await client.login(target.cn, target.password)
                let second = try await client.login(target.cn, target.password)
                let adminAccess = try #require(try await client.login(admin.cn, admin.password)["access_token"])
                let otherAccess = try #require(try await client.login(other.cn, other.password)["access_token"])

                // Not an admin, not itself: 403, whether the DSA exists or not, and nothing revoked.
                for name in [target.cn, "no-such-dsa"] {
                    let forbidden = try await client.json(.post, "/api/sessions/revoke", body: ["dsa": name], bearer: otherAccess)
                    #expect(forbidden.status == .forbidden)
                    #expect(forbidden.errorCode == "session.forbidden")
                }
                #expect(try await client.json(.get, "/api/session", bearer: try #require(first["access_token"])).status == .ok)
                #expect(try await client.json(.post, "/api/sessions/revoke", body: ["dsa": 5], bearer: adminAccess).errorCode == "session.missing_dsa")
                #expect(try await client.json(.post, "/api/sessions/revoke", body: ["dsa": "no-such-dsa"], bearer: adminAccess).status == .notFound)
                #expect(try await client.json(.post, "/api/sessions/revoke", body: ["dsa": target.cn]).status == .unauthorized)

                let revoked = try await client.json(.post, "/api/sessions/revoke", body: ["dsa": target.cn], bearer: adminAccess)
                #expect(revoked.status == .ok)
                #expect(revoked["dsa"] == target.dn)
                #expect(revoked.body["revoked"] as? Double == 2)
                for login in [first, second] {
                    #expect(try await client.json(.get, "/api/session", bearer: try #require(login["access_token"])).errorCode == "auth.token_revoked")
                    #expect(try await client.json(.post, "/api/refresh", body: ["token": try #require(login["refresh_token"])]).status == .badRequest)
                }
                // Nobody else's sessions went.
                #expect(try await client.json(.get, "/api/session", bearer: adminAccess).status == .ok)
                #expect(try await client.json(.get, "/api/session", bearer: otherAccess).status == .ok)

                // A DSA may end its own sessions, this one included.
                let third = try #require(try await client.login(other.cn, other.password)["access_token"])
                let own = try await client.json(.post, "/orchestrator/api/sessions/revoke", body: ["dsa": other.cn], bearer: third)
                #expect(own.status == .ok)
                #expect(own.body["revoked"] as? Double == 2)
                #expect(try await client.json(.get, "/api/session", bearer: third).errorCode == "auth.token_revoked")
            }
            await remove(ldap, admin, target, other)
        }

        @Test func theNewSettingsAreBoundedAndDefaulted() throws {
            let defaults = try services.settings()
            #expect(defaults.accountRecheckSeconds == 30)
            #expect(defaults.adminDSAs.isEmpty)
            #expect(try services.settings(["ACCOUNT_RECHECK_SECONDS": "0"]).accountRecheckSeconds == 0)
            #expect(throws: ConfigurationError(key: "ACCOUNT_RECHECK_SECONDS", reason: "must be an integer in 0...30 (got 31)")) {
                try services.settings(["ACCOUNT_RECHECK_SECONDS": "31"])
            }
            #expect(try services.settings(["ADMIN_DSAS": " ops , fd-admin,,"]).adminDSAs == ["ops", "fd-admin"])
        }
    }
}

/// The fingerprint kept with a session: keyed, order-free, unambiguous, never the hash.
@Suite struct PasswordFingerprintTests {
    let key = Array("integration-tests-secret-key-0123456789".utf8)

    @Test func theFingerprintDependsOnTheValuesAndTheKeyOnly() {
        let fingerprinter = HMACPasswordFingerprinter(secret: key)
        let a = Array("{SSHA}BeQMIudwVHmJzZCpeZ+q40HvPGy4qlgl".utf8), b = Array("{CRYPT}$6$x".utf8)
        let fingerprint = fingerprinter.fingerprint(of: [a, b])
        #expect(fingerprint.count == 64)
        #expect(fingerprint == fingerprinter.fingerprint(of: [b, a]))
        #expect(fingerprint != fingerprinter.fingerprint(of: [a]))
        #expect(!fingerprint.contains("BeQMIud"))
        #expect(fingerprint != HMACPasswordFingerprinter(secret: Array("another-secret-key-of-32-bytes-or-more!".utf8)).fingerprint(of: [a, b]))
        // Length prefixes: moving a byte from one value to the next is another set.
        #expect(fingerprinter.fingerprint(of: [Array("ab".utf8), Array("c".utf8)]) != fingerprinter.fingerprint(of: [Array("a".utf8), Array("bc".utf8)]))
    }
}
