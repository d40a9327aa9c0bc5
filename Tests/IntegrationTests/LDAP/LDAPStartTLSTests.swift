@testable import Bootstrap
@testable import LDAPAdapter
import Application
import Foundation
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// LDAP_STARTTLS: slapd's ldap:// port offers StartTLS with a certificate from the harness's
    /// test CA; the service uses it, verified, or does not use the directory at all.
    @Suite struct LDAPStartTLSTests {
        let services = TestServices.shared

        func client(caFile: String) throws -> LDAPClient {
            LDAPClient(configuration: .init(
                url: try services.ldapURL, bindDN: try services.ldapAdmin, password: try services.ldapPassword,
                connectTimeout: .seconds(3), operationTimeout: .seconds(5), checkoutTimeout: .seconds(5),
                security: LDAPTransportSecurity(startTLS: true, caFile: caFile)
            ))
        }

        /// Another CA than the one that signed slapd's certificate: the SMTP sink's self-signed one.
        var otherCA: String { get throws { try services.require("ORCH_TEST_SMTP_CA", for: "the SMTP sink's certificate") } }

        @Test(.timeLimit(.minutes(1)))
        func loginAndListingWorkThroughStartTLSWithTheDirectorysCA() async throws {
            let settings = try services.settings(["LDAP_STARTTLS": "TRUE", "LDAP_CA_FILE": try services.ldapCAFile])
            #expect(settings.ldap.startTLS && settings.startupWarnings(openFileLimit: nil).allSatisfy { !$0.contains("FD_LDAP_MASTER_URL") })
            let app = try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), logger: Logger(label: "starttls"))
            try await app.test(.router) { client in
                #expect(try await client.json(.get, "/ready").status == .ok)
                let login = try await client.json(.post, "/api/login", body: ["username": "orchestrator", "password": "orchestrator-pass"])
                #expect(login.status == .ok)
                let access = try #require(login["access_token"])
                #expect(try await client.json(.get, "/api/tasks", bearer: access).status == .ok)
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func aCertificateThatDoesNotVerifyMakesTheDirectoryUnavailableNeverPlain() async throws {
            let settings = try services.settings(["LDAP_STARTTLS": "TRUE", "LDAP_CA_FILE": try otherCA])
            let app = try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), logger: Logger(label: "starttls-wrong-ca"))
            try await app.test(.router) { client in
                let ready = try await client.json(.get, "/ready")
                #expect(ready.status == .serviceUnavailable)
                #expect(ready.errorCode == "ldap.unavailable")
                let message = ((ready.body["error"] as? [String: any Sendable])?["message"] as? String) ?? ""
                #expect(message.contains("StartTLS"), "\(message)")
                let login = try await client.json(.post, "/api/login", body: ["username": "orchestrator", "password": "orchestrator-pass"])
                #expect(login.status == .serviceUnavailable)
                #expect(login.errorCode == "ldap.unavailable")
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func theAdapterBindsOnlyAfterAVerifiedStartTLS() async throws {
            let base = try services.ldapBase
            #expect(try await client(caFile: try services.ldapCAFile).read("cn=config,ou=fusiondirectory,\(base)") != nil)
            let dsa = "cn=orchestrator,ou=dsa,\(base)"
            #expect(try await client(caFile: try services.ldapCAFile).verifyPassword(dn: dsa, password: "orchestrator-pass"))

            let wrong = try client(caFile: try otherCA)
            for attempt in ["read", "verifyPassword"] {
                do {
                    if attempt == "read" {
                        _ = try await wrong.read("cn=config,ou=fusiondirectory,\(base)")
                    } else {
                        _ = try await wrong.verifyPassword(dn: dsa, password: "orchestrator-pass")
                    }
                    Issue.record("\(attempt) went through without a verified StartTLS")
                } catch {
                    guard case .unavailable(let message) = error else { Issue.record("\(attempt): \(error)"); continue }
                    #expect(message.hasPrefix("StartTLS:"), "\(message)")
                }
            }
        }

        @Test func startTLSNeedsAnLDAPURLAndACAFileThatHoldsACertificate() throws {
            #expect(throws: ConfigurationError.self) { try services.settings(["LDAP_STARTTLS": "TRUE", "FD_LDAP_MASTER_URL": "ldaps://127.0.0.1:636"]) }
            #expect(throws: ConfigurationError(key: "LDAP_CA_FILE", reason: "cannot read /nonexistent/ca.pem")) {
                try services.settings(["LDAP_STARTTLS": "TRUE", "LDAP_CA_FILE": "/nonexistent/ca.pem"])
            }
        }
    }
}
