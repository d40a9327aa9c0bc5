@testable import Bootstrap
import Application
import Domain
import DotEnvFile
import FusionDirectoryRESTAdapter
import Foundation
import Testing

/// The configuration keys of the PHP orchestrator's orchestrator.conf, validated at start.
struct ConfigurationTests {
    let valid: [String: String] = [
        "FD_LDAP_MASTER_URL": "ldap://127.0.0.1:389", "LDAP_BASE": "dc=example,dc=org",
        "LDAP_ADMIN": "cn=admin,dc=example,dc=org", "LDAP_PWD": "secret", "LDAP_OU_DSA": "ou=dsa,dc=example,dc=org",
        "SECRET_KEY": String(repeating: "k", count: 32), "MAIL_HOST": "localhost", "MAIL_PORT": "25",
    ]

    func values(_ changes: [String: String?]) -> [String: String] {
        var values = valid
        for (key, value) in changes { values[key] = value }
        return values
    }

    @Test func aCompleteConfigurationLoadsWithDefaults() throws {
        let settings = try Settings(values: valid)
        #expect(settings.tokenExpiry == 300)
        #expect(settings.refreshExpiry == 432_000)
        #expect(settings.listenHost == "127.0.0.1" && settings.listenPort == 8080)
        #expect(settings.mail.security == .opportunistic && !settings.mail.verifyCertificates)
        guard case .embedded = settings.database else { Issue.record("expected the embedded store"); return }
    }

    @Test(arguments: ["FD_LDAP_MASTER_URL", "LDAP_BASE", "LDAP_ADMIN", "LDAP_PWD", "LDAP_OU_DSA", "SECRET_KEY", "MAIL_HOST"])
    func aMissingKeyIsNamed(key: String) {
        #expect(throws: ConfigurationError(key: key, reason: "missing")) { try Settings(values: values([key: nil])) }
    }

    @Test(arguments: [
        ("SECRET_KEY", "too-short", "must be at least 32 bytes (got 9)"),
        ("FD_LDAP_MASTER_URL", "http://x", "must be an ldap://, ldaps:// or ldapi:// URL (got http://x)"),
        ("MAIL_PORT", "70000", "must be an integer in 1...65535 (got 70000)"),
        ("MAIL_SEC_VERIFY", "yes", "must be TRUE or FALSE (got yes)"),
        ("TOKEN_EXPIRY", "soon", "must be an integer in 10...3600 (got soon)"),
        ("TOKEN_EXPIRY", "3601", "must be an integer in 10...3600 (got 3601)"),
        ("DATABASE_URL", "mysql://x/y", "must be a postgres:// URL"),
        ("ORCHESTRATOR_LISTEN", "8080", "must be host:port (got 8080)"),
        ("FUSION_DIRECTORY_TIMEOUT_SECONDS", "0", "must be an integer in 1...300 (got 0)"),
        ("FUSION_DIRECTORY_CA_FILE", "/nonexistent/ca.pem", "cannot read /nonexistent/ca.pem"),
        ("FUSION_DIRECTORY_API_URL", "ftp://fd.example.org", "must be an http(s) URL (got ftp://fd.example.org)"),
        ("PROLONGATION_URL", "fd.example.org", "must be an http(s) URL (got fd.example.org)"),
        ("PROLONGATION_MODE", "both", "must be fusiondirectory or orchestrator (got both)"),
        ("HTTP_HEADER_TIMEOUT_SECONDS", "0", "must be an integer in 1...300 (got 0)"),
        ("HTTP_IDLE_TIMEOUT_SECONDS", "1h", "must be an integer in 1...3600 (got 1h)"),
        ("HTTP_MAX_CONNECTIONS", "0", "must be an integer in 1...1000000 (got 0)"),
        ("SCHEDULER_LEASE_SECONDS", "1", "must be an integer in 3...3600 (got 1)"),
    ])
    func badValuesAreRejectedWithAReason(key: String, value: String, reason: String) {
        #expect(throws: ConfigurationError(key: key, reason: reason)) { try Settings(values: values([key: value])) }
    }

    @Test func prolongationLinksDefaultToFusionDirectoryAndTheOrchestratorModeNeedsItsURL() throws {
        let plain = try Settings(values: values(["FUSION_DIRECTORY_API_URL": "https://fd.example.org/rest.php/v1", "WEB_LOGIN": "w", "WEB_PASS": "p"]))
        #expect(!plain.prolongationByOrchestrator && plain.prolongationBaseURL == "https://fd.example.org/rest.php/v1")
        #expect(plain.reminderTokenKey == String(repeating: "k", count: 32))
        #expect(try Settings(values: values(["REMINDER_TOKEN_KEY": "other"])).reminderTokenKey == "other")
        #expect(throws: ConfigurationError(key: "PROLONGATION_URL", reason: "is required with PROLONGATION_MODE=orchestrator: the public URL of this service, e.g. https://orchestrator.example.org/orchestrator")) {
            try Settings(values: values(["PROLONGATION_MODE": "orchestrator"]))
        }
        let own = try Settings(values: values(["PROLONGATION_MODE": "Orchestrator", "PROLONGATION_URL": "https://orch.example.org/orchestrator"]))
        #expect(own.prolongationByOrchestrator && own.prolongationBaseURL == "https://orch.example.org/orchestrator")
    }

    @Test func scheduleSettingsNameTheirOperationAndABadExpressionStopsTheStart() throws {
        let none = try Settings(values: values([:]))
        #expect(none.schedules.isEmpty && none.schedulerLease == 30)
        let some = try Settings(values: values(["SCHEDULE_MAIL": " */5 * * * * ", "SCHEDULE_REMOVESUBTASKS": "@daily", "SCHEDULE_AUDIT": ""]))
        #expect(some.schedules.map(\.operation) == [.kind(.mail), .removeSubTasks])
        #expect(some.schedules.map(\.cron.description) == ["*/5 * * * *", "@daily"])
        #expect(Settings.scheduleKey(.activateCyclicTasks) == "SCHEDULE_ACTIVATECYCLICTASKS" && Settings.scheduleKey(.kind(.lifeCycle)) == "SCHEDULE_LIFECYCLE")
        #expect { try Settings(values: values(["SCHEDULE_LIFECYCLE": "61 * * * *"])) } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == "SCHEDULE_LIFECYCLE" && error.reason.contains("minute 61 is out of range 0-59")
        }
        #expect { try Settings(values: values(["SCHEDULE_MAIL": "every five minutes"])) } throws: { ($0 as? ConfigurationError)?.key == "SCHEDULE_MAIL" }
    }

    @Test func metricsAreOnTheMainListenerUnlessTurnedOffOrGivenTheirOwnAddress() throws {
        #expect(try Settings(values: values([:])).metrics == .mainListener)
        #expect(try Settings(values: values(["METRICS": "false"])).metrics == .off)
        #expect(try Settings(values: values(["METRICS_LISTEN": "10.0.0.5:9464"])).metrics == .ownListener(host: "10.0.0.5", port: 9464))
        #expect(try Settings(values: values(["METRICS_LISTEN": "[::1]:9464"])).metrics == .ownListener(host: "::1", port: 9464))
        #expect(throws: ConfigurationError(key: "METRICS", reason: "must be TRUE or FALSE (got maybe)")) { try Settings(values: values(["METRICS": "maybe"])) }
        #expect(throws: ConfigurationError(key: "METRICS_LISTEN", reason: "must be host:port (got 9464)")) { try Settings(values: values(["METRICS_LISTEN": "9464"])) }
        #expect { try Settings(values: values(["ORCHESTRATOR_LISTEN": "127.0.0.1:8080", "METRICS_LISTEN": "127.0.0.1:8080"])) } throws: {
            ($0 as? ConfigurationError)?.key == "METRICS_LISTEN"
        }
    }

    @Test func aBadDNIsRejected() {
        #expect { try Settings(values: values(["LDAP_BASE": "dc=example,,"])) } throws: { ($0 as? ConfigurationError)?.key == "LDAP_BASE" }
    }

    /// As in PHP: without MAIL_SEC_VERIFY=TRUE, MAIL_SEC is ignored and STARTTLS is used when
    /// offered, unverified (the sample config, the upstream placeholder); TRUE gives the strict modes.
    @Test(arguments: [
        ["MAIL_SEC": "tls", "MAIL_SEC_VERIFY": "FALSE"], ["MAIL_SEC": "<ssl/tls>"], ["MAIL_SEC": "ssl", "MAIL_SEC_VERIFY": "false"], [:],
    ])
    func withoutVerifyTrueMailSecIsIgnoredAndTLSIsOpportunistic(changes: [String: String]) throws {
        let mail = try Settings(values: values(changes)).mail
        #expect(mail.security == .opportunistic)
        #expect(!mail.verifyCertificates)
        #expect(mail.startupWarning?.contains("NOT verified") == true)
        if let ignored = changes["MAIL_SEC"] { #expect(mail.startupWarning?.contains("MAIL_SEC=\"\(ignored)\" is ignored") == true) }
    }

    @Test func verifyTrueKeepsTheStrictModes() throws {
        for (value, expected) in [("ssl", Settings.Mail.Security.ssl), ("TLS", .tls), ("", .none)] {
            let mail = try Settings(values: values(["MAIL_SEC": value, "MAIL_SEC_VERIFY": "TRUE"])).mail
            #expect(mail.security == expected && mail.verifyCertificates, "\(value)")
        }
        #expect(try Settings(values: values(["MAIL_SEC": "tls", "MAIL_SEC_VERIFY": "TRUE"])).mail.startupWarning == nil)
        #expect(throws: ConfigurationError(key: "MAIL_SEC", reason: "must be ssl, tls or empty with MAIL_SEC_VERIFY=TRUE (got <ssl/tls>)")) {
            try Settings(values: values(["MAIL_SEC": "<ssl/tls>", "MAIL_SEC_VERIFY": "TRUE"]))
        }
    }

    @Test func theFusionDirectoryAPIIsOptionalAndBoundedByDefault() throws {
        #expect(Composition.fusionDirectory(try Settings(values: valid)) is UnconfiguredFusionDirectoryAPI)
        let settings = try Settings(values: values([
            "FUSION_DIRECTORY_API_URL": "https://fd.example.org/rest.php/v1", "WEB_LOGIN": "fd-admin", "WEB_PASS": "pass",
        ]))
        let api = try #require(settings.fusionDirectory)
        #expect(api.timeout == .seconds(10) && api.caFile == nil)
        let adapter = try #require(Composition.fusionDirectory(settings) as? AsyncHTTPFusionDirectoryAPI)
        #expect(Composition.services(closing: adapter).count == 1)
        #expect(Composition.services(closing: UnconfiguredFusionDirectoryAPI()).isEmpty)
        #expect(throws: ConfigurationError(key: "WEB_PASS", reason: "missing")) {
            try Settings(values: values(["FUSION_DIRECTORY_API_URL": "https://fd.example.org", "WEB_LOGIN": "fd-admin"]))
        }
        #expect(throws: ConfigurationError(key: "FUSION_DIRECTORY_API_URL", reason: "must not carry credentials (use WEB_LOGIN and WEB_PASS)")) {
            try Settings(values: values(["FUSION_DIRECTORY_API_URL": "https://u:p@fd.example.org", "WEB_LOGIN": "a", "WEB_PASS": "b"]))
        }
    }

    @Test func smtpAuthenticationNeedsUserAndPassword() {
        #expect(throws: ConfigurationError(key: "MAIL_USER", reason: "missing")) { try Settings(values: values(["MAIL_AUTH": "TRUE"])) }
    }

    @Test func theDotenvFileWinsOverTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-\(UUID()).conf")
        try """
        # PHP orchestrator.conf style
        export LDAP_BASE="dc=example,dc=org"
        LDAP_PWD='p#ss word'
        MAIL_HOST=mail.example.org # trailing comment
        TOKEN_EXPIRY=600
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = try Settings.load(environment: values(["TOKEN_EXPIRY": "900", "MAIL_HOST": "env-host"]), configFile: file.path)
        #expect(settings.tokenExpiry == 600)
        #expect(settings.mail.host == "mail.example.org")
        #expect(settings.ldap.password == "p#ss word")
    }

    @Test func aMalformedDotenvLineIsReportedWithItsNumber() throws {
        #expect(throws: DotEnv.SyntaxError(line: 2, reason: "expected KEY=value")) { try DotEnv.parse("A=1\nnot a pair\n") }
        #expect(try DotEnv.parse("Q=\"a\\\"b\\nc\"") == ["Q": "a\"b\nc"])
    }

    /// The real executable stops with one line naming the key and a non-zero status.
    @Test(arguments: [
        ("SECRET_KEY", "short", "configuration error: SECRET_KEY: must be at least 32 bytes (got 5)\n"),
        ("TOKEN_EXPIRY", "86400", "configuration error: TOKEN_EXPIRY: must be an integer in 10...3600 (got 86400)\n"),
    ])
    func theExecutableRefusesToStartOnABadKey(key: String, value: String, line: String) throws {
        // On Linux the test bundle runs from the products directory; on macOS from inside the .xctest bundle.
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("fusiondirectory-orchestrator") }
        let executable = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
        #expect(FileManager.default.isExecutableFile(atPath: executable.path), "build the executable first: \(executable.path)")
        let process = Process()
        process.executableURL = executable
        // An explicit (empty) file: the host's /etc/fusiondirectory-orchestrator/orchestrator.conf,
        // where a PHP orchestrator may live, must not decide what this test sees.
        process.arguments = ["serve", "--config", "/dev/null"]
        process.environment = values([key: value]).merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 78)
        #expect(output == line)
    }

    @Test func slowClientLimitsDefaultToTenAndSixtySecondsAnd1024Connections() throws {
        let defaults = try Settings(values: valid).httpLimits
        #expect(defaults.headerTimeout == .seconds(10) && defaults.idleTimeout == .seconds(60) && defaults.maxConnections == 1024)
        let set = try Settings(values: values(["HTTP_HEADER_TIMEOUT_SECONDS": "5", "HTTP_IDLE_TIMEOUT_SECONDS": "120", "HTTP_MAX_CONNECTIONS": "200"])).httpLimits
        #expect(set.headerTimeout == .seconds(5) && set.idleTimeout == .seconds(120) && set.maxConnections == 200)
    }

    @Test func aConnectionLimitAboveTheOpenFileLimitIsWarnedAboutAtStart() throws {
        let warned = try Settings(values: valid).startupWarnings(openFileLimit: 256)
        #expect(warned.contains { $0.hasPrefix("HTTP_MAX_CONNECTIONS=1024 does not fit the open-file limit (256)") })
        let fitting = try Settings(values: values(["HTTP_MAX_CONNECTIONS": "200"])).startupWarnings(openFileLimit: 256)
        #expect(!fitting.contains { $0.hasPrefix("HTTP_MAX_CONNECTIONS") })
        #expect(try Settings(values: valid).startupWarnings(openFileLimit: nil).allSatisfy { !$0.hasPrefix("HTTP_MAX_CONNECTIONS") })
    }

    func cleartextWarnings(_ changes: [String: String?]) throws -> [String] {
        try Settings(values: values(changes)).cleartextCredentialWarnings
    }

    @Test func anLDAPPasswordThatWouldCrossTheNetworkInClearIsWarnedAboutAtStart() throws {
        let warned = try cleartextWarnings(["FD_LDAP_MASTER_URL": "ldap://ldap.example.org:389"])
        #expect(warned.count == 1)
        #expect(warned.first?.hasPrefix("FD_LDAP_MASTER_URL is ldap:// to ldap.example.org without LDAP_STARTTLS") == true)
        for url in ["ldap://127.0.0.1:389", "ldap://127.8.9.10", "ldap://localhost", "ldap://[::1]:389", "ldaps://ldap.example.org", "ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi"] {
            #expect(try cleartextWarnings(["FD_LDAP_MASTER_URL": url]).isEmpty, "\(url)")
        }
        #expect(try cleartextWarnings(["FD_LDAP_MASTER_URL": "ldap://ldap.example.org", "LDAP_STARTTLS": "TRUE"]).isEmpty)
    }

    @Test func smtpAuthWithoutRequiredTLSToARemoteRelayIsWarnedAboutAtStart() throws {
        let auth: [String: String?] = ["MAIL_AUTH": "TRUE", "MAIL_USER": "mailer", "MAIL_PASS": "secret", "MAIL_HOST": "smtp.example.org"]
        #expect(try cleartextWarnings(auth).first?.hasPrefix("MAIL_AUTH=TRUE to smtp.example.org without MAIL_SEC_VERIFY=TRUE") == true)
        #expect(try cleartextWarnings(auth.merging(["MAIL_SEC_VERIFY": "TRUE"]) { $1 }).first?.hasPrefix("MAIL_AUTH=TRUE over plain SMTP to smtp.example.org") == true)
        #expect(try cleartextWarnings(auth.merging(["MAIL_SEC_VERIFY": "TRUE", "MAIL_SEC": "tls"]) { $1 }).isEmpty)
        #expect(try cleartextWarnings(auth.merging(["MAIL_SEC_VERIFY": "TRUE", "MAIL_SEC": "ssl"]) { $1 }).isEmpty)
        #expect(try cleartextWarnings(auth.merging(["MAIL_HOST": "127.0.0.1"]) { $1 }).isEmpty)
        #expect(try cleartextWarnings(["MAIL_HOST": "smtp.example.org"]).isEmpty, "no AUTH, no password to lose")
    }

    @Test func fusionDirectoryCredentialsOverPlainHTTPToARemoteHostAreWarnedAboutAtStart() throws {
        let api: [String: String?] = ["WEB_LOGIN": "w", "WEB_PASS": "p"]
        let warned = try cleartextWarnings(api.merging(["FUSION_DIRECTORY_API_URL": "http://fd.example.org/rest.php/v1"]) { $1 })
        #expect(warned.first?.hasPrefix("FUSION_DIRECTORY_API_URL is http:// to fd.example.org") == true)
        #expect(try cleartextWarnings(api.merging(["FUSION_DIRECTORY_API_URL": "https://fd.example.org/rest.php/v1"]) { $1 }).isEmpty)
        #expect(try cleartextWarnings(api.merging(["FUSION_DIRECTORY_API_URL": "http://127.0.0.1:8081/rest.php/v1"]) { $1 }).isEmpty)
    }

    @Test func everyWarningIsInTheStartupList() throws {
        let settings = try Settings(values: values(["FD_LDAP_MASTER_URL": "ldap://ldap.example.org"]))
        let warnings = settings.startupWarnings(openFileLimit: nil)
        #expect(warnings.contains { $0.hasPrefix("MAIL_SEC_VERIFY is not TRUE") })
        #expect(warnings.contains { $0.hasPrefix("FD_LDAP_MASTER_URL is ldap://") })
    }

    @Test(arguments: [
        ("localhost", true), ("LOCALHOST", true), ("db.localhost", true), ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("[::1]", true),
        ("::ffff:127.0.0.1", true), ("128.0.0.1", false), ("10.0.0.1", false), ("::2", false), ("example.org", false), ("localhost.example.org", false),
    ])
    func loopbackIsLocalhostAnd127Slash8AndColonColon1(host: String, loopback: Bool) {
        #expect(NetworkHost.isLoopback(host) == loopback)
    }

    @Test func theStoreBoundDefaultsToTenSecondsPerRoundTripAndIsChecked() throws {
        let url = "postgres://orchestrator:secret@db.example.org/orchestrator"
        guard case .postgres(_, let defaultBound) = try Settings(values: values(["DATABASE_URL": url])).database,
              case .postgres(_, let setBound) = try Settings(values: values(["DATABASE_URL": url, "STORE_TIMEOUT_SECONDS": "2"])).database else {
            Issue.record("DATABASE_URL should select PostgreSQL")
            return
        }
        #expect(defaultBound == .seconds(10) && setBound == .seconds(2))
        #expect(throws: ConfigurationError(key: "STORE_TIMEOUT_SECONDS", reason: "must be an integer in 1...300 (got 301)")) {
            try Settings(values: values(["DATABASE_URL": url, "STORE_TIMEOUT_SECONDS": "301"]))
        }
    }
}
