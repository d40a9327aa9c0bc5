@testable import StateStoreAdapter
@testable import AuthCryptoAdapter
import Application
@testable import Bootstrap
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// Login, refresh, logout and bearer checks through HTTP, against the real slapd and both stores.
    @Suite struct AuthenticationTests {
        let services = TestServices.shared
        static let secret = "integration-tests-secret-key-0123456789"

        enum Backend: String, CaseIterable { case embedded, postgres }

        func store(_ backend: Backend) throws -> Composition.Store {
            switch backend {
            case .embedded: try services.embeddedStore()
            case .postgres: try services.postgresStore()
            }
        }

        func app(_ store: Composition.Store) async throws -> Composition.App {
            try await Composition.makeApplication(settings: try services.settings(), store: store, logger: Logger(label: "auth-test"))
        }

        var dsaDN: String { get throws { "cn=orchestrator,ou=dsa,\(try services.ldapBase)" } }

        // MARK: login

        @Test(arguments: [("orchestrator", "orchestrator-pass"), ("cryptdsa", "crypt-pass")])
        func aDSALogsInWhateverItsHashSchemeAndTheTokenOpensProtectedRoutes(username: String, password: String) async throws {
            try await app(store(.embedded)).test(.router) { client in
                let login = try await client.login(username, password)
                #expect(login.status == .ok)
                #expect(login["token_type"] == "Bearer")
                #expect(login.body["expires_in"] as? Double == 300)
                let access = try #require(login["access_token"])
                let refresh = try #require(login["refresh_token"])
                #expect(refresh.count == 43 && !refresh.contains("."))
                let session = try await client.json(.get, "/api/session", bearer: access)
                #expect(session.status == .ok)
                #expect(session["dsa"] == "cn=\(username),ou=dsa,\(try services.ldapBase)")
                // The PHP deployment path works too.
                #expect(try await client.json(.get, "/orchestrator/api/session", bearer: access).status == .ok)
            }
        }

        @Test(arguments: ["*", "orch*", "*)(cn=*", "orchestrator)(|(cn=*", "nobody", "dsa"])
        func filterInjectionAndUnknownNamesGetTheSame401(username: String) async throws {
            try await app(store(.embedded)).test(.router) { client in
                let response = try await client.login(username, "orchestrator-pass")
                #expect(response.status == .unauthorized)
                #expect(response.message == "invalid authentication")
                #expect(response.errorCode == "auth.invalid_credentials")
            }
        }

        @Test func aWrongPasswordGetsTheSame401() async throws {
            try await app(store(.embedded)).test(.router) { client in
                let response = try await client.login("orchestrator", "not-the-password")
                #expect(response.status == .unauthorized)
                #expect(response.message == "invalid authentication")
            }
        }

        @Test func malformedLoginBodiesAre400AndOtherMethods405() async throws {
            try await app(store(.embedded)).test(.router) { client in
                for body in [#"{"username":"orchestrator"}"#, #"{"username":12,"password":"x"}"#, #"{"username":null,"password":"x"}"#, "not json", "", "[]", #"{"username":"","password":""}"#] {
                    let response = try await client.json(.post, "/api/login", rawBody: body)
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.message == "missing login credentials", "\(body)")
                    #expect(response.errorCode == "auth.missing_credentials")
                }
                let get = try await client.json(.get, "/api/login")
                #expect(get.status == .methodNotAllowed)
                #expect(get.headers[.allow] == "POST")
            }
        }

        // MARK: bearer verification

        @Test func everyKindOfBadBearerIs401WithWWWAuthenticate() async throws {
            let dsa = try dsaDN
            let secret = Array(Self.secret.utf8)
            let hs256 = ["alg": "HS256", "typ": "at+jwt"]
            let now = Int(Date().timeIntervalSince1970)
            let otherKey = await JWTKitAccessTokenCodec(secret: Array("another-secret-key-of-32-bytes-or-more!".utf8))
            let foreignSigned = try await otherKey.issue(AccessTokenClaims(subject: dsa, familyID: "f", tokenID: "t", issuedAt: Date(), notBefore: Date(), expiresAt: Date().addingTimeInterval(300)))
            let cases: [(String, String?, String)] = [
                ("no header", nil, "auth.missing_bearer"),
                ("other scheme", "Basic b3JjaDpwYXNz", "auth.missing_bearer"),
                ("not a JWT", "Bearer abc", "auth.malformed_token"),
                ("alg none", "Bearer " + (try JWTCraft.token(header: ["alg": "none", "typ": "at+jwt"], payload: JWTCraft.claims(subject: dsa), signature: .none)), "auth.malformed_token"),
                ("alg HS512", "Bearer " + (try JWTCraft.token(header: ["alg": "HS512", "typ": "at+jwt"], payload: JWTCraft.claims(subject: dsa), signature: .hs512(secret))), "auth.malformed_token"),
                ("PHP-style typ JWT", "Bearer " + (try JWTCraft.token(header: ["alg": "HS256", "typ": "JWT"], payload: ["sub": "orchestrator-jwt", "name": "orchestrator-jwt", "exp": now + 300], signature: .hs256(secret))), "auth.malformed_token"),
                ("another key", "Bearer " + foreignSigned, "auth.invalid_signature"),
                ("expired", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["exp": now - 120, "iat": now - 500, "nbf": now - 500]), signature: .hs256(secret))), "auth.token_expired"),
                ("not yet valid", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["nbf": now + 600]), signature: .hs256(secret))), "auth.malformed_token"),
                ("foreign issuer", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["iss": "someone-else"]), signature: .hs256(secret))), "auth.malformed_token"),
                ("foreign audience", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["aud": ["other"]]), signature: .hs256(secret))), "auth.malformed_token"),
                ("no family claim", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["fid": 5]), signature: .hs256(secret))), "auth.malformed_token"),
                ("issued in the future", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["iat": now + 600]), signature: .hs256(secret))), "auth.malformed_token"),
                ("longer than the cap", "Bearer " + (try JWTCraft.token(header: hs256, payload: JWTCraft.claims(subject: dsa, ["iat": now - 10, "nbf": now - 10, "exp": now + 3600]), signature: .hs256(secret))), "auth.malformed_token"),
            ]
            try await app(store(.embedded)).test(.router) { client in
                for (name, header, code) in cases {
                    let response = try await client.json(.get, "/api/session", authorization: header)
                    #expect(response.status == .unauthorized, "\(name)")
                    #expect(response.errorCode == code, "\(name)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(name)")
                }
                let expired = try await client.json(.get, "/api/session", authorization: cases[7].1)
                #expect(expired.message == "token has expired")
                let forged = try await client.json(.get, "/api/session", authorization: cases[6].1)
                #expect(forged.message == "invalid signature")

                // A refresh token is never a bearer.
                let login = try await client.login("orchestrator", "orchestrator-pass")
                let asBearer = try await client.json(.get, "/api/session", bearer: login["refresh_token"] ?? "")
                #expect(asBearer.status == .unauthorized)
            }
        }

        @Test func aTokenWithinTheClockSkewIsAccepted() async throws {
            let now = Int(Date().timeIntervalSince1970)
            let token = try JWTCraft.token(header: ["alg": "HS256", "typ": "at+jwt"], payload: JWTCraft.claims(subject: try dsaDN, ["exp": now - 30, "nbf": now + 30]), signature: .hs256(Array(Self.secret.utf8)))
            try await app(store(.embedded)).test(.router) { client in
                let response = try await client.json(.get, "/api/session", bearer: token)
                #expect(response.status == .ok)
            }
        }

        // MARK: refresh, reuse, logout

        @Test(arguments: Backend.allCases)
        func refreshRotatesAndAReusedTokenKillsTheWholeFamily(backend: Backend) async throws {
            try await app(store(backend)).test(.router) { client in
                let first = try await client.login("orchestrator", "orchestrator-pass")
                let firstRefresh = try #require(first["refresh_token"])
                let second = try await client.json(.post, "/api/refresh", body: ["token": firstRefresh])
                #expect(second.status == .ok)
                let secondAccess = try #require(second["access_token"])
                #expect(second["refresh_token"] != firstRefresh)
                #expect(try await client.json(.get, "/api/session", bearer: secondAccess).status == .ok)

                // Replaying the first refresh token: refused, and every token of the family dies.
                let replay = try await client.json(.post, "/api/refresh", body: ["token": firstRefresh])
                #expect(replay.status == .badRequest)
                #expect(replay.message == "invalid token")
                let revoked = try await client.json(.get, "/api/session", bearer: secondAccess)
                #expect(revoked.status == .unauthorized)
                #expect(revoked.errorCode == "auth.token_revoked")
                let secondRefresh = try #require(second["refresh_token"])
                #expect(try await client.json(.post, "/api/refresh", body: ["token": secondRefresh]).status == .badRequest)
            }
        }

        @Test(arguments: Backend.allCases)
        func fiftyConcurrentRefreshesWithOneTokenYieldExactlyOneSuccess(backend: Backend) async throws {
            try await app(store(backend)).test(.router) { client in
                let login = try await client.login("orchestrator", "orchestrator-pass")
                let refresh = try #require(login["refresh_token"])
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<50 { group.addTask { try await client.json(.post, "/api/refresh", body: ["token": refresh]).status } }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1)
                #expect(statuses.filter { $0 == .badRequest }.count == 49)
            }
        }

        @Test func refreshBodiesAreChecked() async throws {
            try await app(store(.embedded)).test(.router) { client in
                let missing = try await client.json(.post, "/api/refresh", body: ["nothing": true])
                #expect(missing.status == .badRequest && missing.message == "missing token")
                let garbage = try await client.json(.post, "/api/refresh", body: ["token": "a.b.c"])
                #expect(garbage.status == .badRequest && garbage.message == "invalid token")
                let unknown = try await client.json(.post, "/api/refresh", body: ["token": String(repeating: "A", count: 43)])
                #expect(unknown.status == .badRequest && unknown.message == "invalid token")
            }
        }

        @Test(arguments: Backend.allCases)
        func logoutSaysWhetherItRevokedAndRefusesWhatIsNotARefreshToken(backend: Backend) async throws {
            try await app(store(backend)).test(.router) { client in
                let login = try await client.login("orchestrator", "orchestrator-pass")
                let access = try #require(login["access_token"])
                let refresh = try #require(login["refresh_token"])

                // Not refresh tokens: 400, and the session is untouched.
                for token in [access, "a.b.c", "short", String(repeating: "é", count: 43)] {
                    let refused = try await client.json(.post, "/api/logout", body: ["token": token])
                    #expect(refused.status == .badRequest, "\(token.prefix(12))")
                    #expect(refused.message == "invalid token" && refused.errorCode == "auth.invalid_token", "\(token.prefix(12))")
                }
                #expect(try await client.json(.get, "/api/session", bearer: access).status == .ok)

                let out = try await client.json(.post, "/api/logout", body: ["token": refresh])
                #expect(out.status == .ok)
                #expect(out.message == "logged out")
                #expect(out.body["revoked"] as? Double == 1)
                #expect(try await client.json(.get, "/api/session", bearer: access).errorCode == "auth.token_revoked")
                #expect(try await client.json(.post, "/api/refresh", body: ["token": refresh]).status == .badRequest)

                // Already revoked, or never issued: 200 that says nothing was revoked.
                for token in [refresh, String(repeating: "B", count: 43)] {
                    let nothing = try await client.json(.post, "/api/logout", body: ["token": token])
                    #expect(nothing.status == .ok)
                    #expect(nothing.body["revoked"] as? Double == 0)
                    #expect(nothing.message?.hasPrefix("nothing to revoke") == true)
                }
                #expect(try await client.json(.post, "/api/logout", body: [:]).message == "missing token")
            }
        }

        /// Two replicas on one PostgreSQL: a reuse detected on one reaches the other within a second.
        @Test func aRevocationReachesAnotherReplicaWithinOneSecond() async throws {
            let storeA = try store(.postgres)
            let storeB = try store(.postgres)
            try await app(storeA).test(.router) { replicaA in
                try await app(storeB).test(.router) { replicaB in
                    let login = try await replicaA.login("orchestrator", "orchestrator-pass")
                    let access = try #require(login["access_token"])
                    #expect(try await replicaB.json(.get, "/api/session", bearer: access).status == .ok)
                    let refresh = try #require(login["refresh_token"])
                    _ = try await replicaA.json(.post, "/api/logout", body: ["token": refresh])
                    let started = ContinuousClock.now
                    var status = HTTPResponse.Status.ok
                    while status == .ok, ContinuousClock.now - started < .seconds(3) {
                        status = try await replicaB.json(.get, "/api/session", bearer: access).status
                        if status == .ok { try await Task.sleep(for: .milliseconds(50)) }
                    }
                    #expect(status == .unauthorized)
                    #expect(ContinuousClock.now - started < .seconds(1))
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func theTokenStoreSurvivesAServiceRestart(backend: Backend) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID())").path
            func freshStore() throws -> Composition.Store {
                backend == .embedded ? EmbeddedStateStore(database: SQLiteDatabase(directory: directory, logger: Logger(label: "s")), logger: Logger(label: "s")) : try store(.postgres)
            }
            let refresh = try await app(freshStore()).test(.router) { client in
                try #require(try await client.login("orchestrator", "orchestrator-pass")["refresh_token"])
            }
            try await app(freshStore()).test(.router) { client in
                let response = try await client.json(.post, "/api/refresh", body: ["token": refresh])
                #expect(response.status == .ok)
            }
        }

        // MARK: throttling

        @Test func fiveFailuresForOneUsernameAnswer429WithRetryAfter() async throws {
            try await app(store(.embedded)).test(.router) { client in
                for _ in 0..<5 { #expect(try await client.login("orchestrator", "wrong").status == .unauthorized) }
                let blocked = try await client.login("orchestrator", "orchestrator-pass")
                #expect(blocked.status == .tooManyRequests)
                #expect(blocked.errorCode == "auth.throttled")
                let retryAfter = try #require(blocked.headers[.retryAfter].flatMap(Int.init))
                #expect((1...60).contains(retryAfter))
            }
        }

        @Test func failuresOfOneNameCountTogetherWhateverItsCaseAndSpaces() async throws {
            try await app(store(.embedded)).test(.router) { client in
                for spelling in ["Orchestrator", " orchestrator", "ORCHESTRATOR ", "orchestrator", "orChestrator"] {
                    let failed = try await client.login(spelling, "wrong")
                    #expect(failed.status == .unauthorized, "\(spelling)")
                }
                #expect(try await client.login("orchestrator", "orchestrator-pass").status == .tooManyRequests)
                #expect(try await client.login("  ORCHESTRATOR", "orchestrator-pass").status == .tooManyRequests)
            }
        }

        /// One shared address (a proxy, FD's web server): other names' failures, far past the
        /// address limit, never refuse a DSA that has not failed itself; the names that failed are refused.
        @Test func anotherNamesFailuresNeverRefuseACorrectLogin() async throws {
            let settings = try services.settings(["LOGIN_THROTTLE_PER_ADDRESS": "10"])
            try await Composition.makeApplication(settings: settings, store: store(.embedded), logger: Logger(label: "auth-test")).test(.router) { client in
                for index in 0..<12 { _ = try await client.login("nobody-\(index % 3)", "x") }
                for _ in 0..<4 { #expect(try await client.login("orchestrator", "wrong").status != .ok) }
                let other = try await client.login("cryptdsa", "crypt-pass")
                #expect(other.status == .ok)
                #expect(try await client.login("nobody-5", "x").status == .unauthorized)
                // Over the address limit, a name that already failed from here gets no further guess.
                let failedBefore = try await client.login("nobody-5", "x")
                #expect(failedBefore.status == .tooManyRequests)
                #expect(try await client.login("orchestrator", "orchestrator-pass").status == .tooManyRequests)
            }
        }

        /// Behind a trusted proxy each forwarded client has its own (name, address) count; the name's
        /// count over every address still stops a distributed attack.
        @Test func forwardedClientsOfATrustedProxyAreCountedApart() async throws {
            let settings = try services.settings(["TRUSTED_PROXIES": "10.9.9.9, 127.0.0.0/8, ::1", "LOGIN_THROTTLE_PER_NAME": "8"])
            try await Composition.makeApplication(settings: settings, store: store(.embedded), logger: Logger(label: "auth-test")).test(.live) { client in
                for _ in 0..<5 { #expect(try await client.login("orchestrator", "wrong", forwardedFor: "203.0.113.1").status == .unauthorized) }
                #expect(try await client.login("orchestrator", "orchestrator-pass", forwardedFor: "203.0.113.1").status == .tooManyRequests)
                // A spoofed first hop changes nothing: the proxy's own hop (the rightmost) is the client.
                #expect(try await client.login("orchestrator", "orchestrator-pass", forwardedFor: "198.51.100.7, 203.0.113.1").status == .tooManyRequests)
                #expect(try await client.login("orchestrator", "orchestrator-pass", forwardedFor: "203.0.113.2").status == .ok)
                for _ in 0..<3 { #expect(try await client.login("orchestrator", "wrong", forwardedFor: "203.0.113.3").status == .unauthorized) }
                let distributed = try await client.login("orchestrator", "orchestrator-pass", forwardedFor: "203.0.113.4")
                #expect(distributed.status == .tooManyRequests)
                #expect(distributed.headers[.retryAfter].flatMap(Int.init).map { (1...60).contains($0) } == true)
            }
        }

        @Test func xForwardedForIsIgnoredWhenThePeerIsNotATrustedProxy() async throws {
            let settings = try services.settings(["TRUSTED_PROXIES": "10.9.9.9"])
            try await Composition.makeApplication(settings: settings, store: store(.embedded), logger: Logger(label: "auth-test")).test(.live) { client in
                for index in 0..<5 { _ = try await client.login("orchestrator", "wrong", forwardedFor: "203.0.113.\(index)") }
                #expect(try await client.login("orchestrator", "orchestrator-pass", forwardedFor: "203.0.113.99").status == .tooManyRequests)
            }
        }
    }
}
