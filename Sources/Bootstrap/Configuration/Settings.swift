import Application
import AuthCryptoAdapter
import Domain
import DotEnvFile
import Foundation
import HTTPAdapter

/// Everything the service reads at start, validated once. The keys are those of the PHP
/// orchestrator's `orchestrator.conf`, plus a few new ones (ORCHESTRATOR_*, DATABASE_URL, LDAP_POOL_SIZE…).
struct Settings: Sendable {
    struct LDAP: Sendable {
        var url: String
        var base: String
        var adminDN: String
        var password: String
        var dsaBase: String
        var poolSize: Int
        var timeout: Duration
        /// How long a request waits for a pooled connection, and how many may wait.
        var poolWait: Duration
        var poolQueue: Int
        /// LDAP_STARTTLS=TRUE: StartTLS on the ldap:// URL, certificate verified, before any bind.
        var startTLS = false
        /// LDAP_CA_FILE: the CAs the directory's certificate must chain to (StartTLS and ldaps://).
        var caFile: String?
    }

    struct Mail: Sendable {
        /// `ssl` implicit TLS, `tls` STARTTLS required, `none` plain (MAIL_SEC_VERIFY=TRUE: strict);
        /// `opportunistic` STARTTLS when offered, else plain (MAIL_SEC_VERIFY not TRUE, as PHP).
        enum Security: String, Sendable { case none, ssl, tls, opportunistic }
        var host: String
        var port: Int
        var authenticate: Bool
        var user: String?
        var password: String?
        var security: Security
        /// MAIL_SEC_VERIFY=TRUE; otherwise TLS is opportunistic and unverified, as in PHP.
        var verifyCertificates: Bool
        var caFile: String?
        /// The MAIL_SEC value PHP ignored and so do we (MAIL_SEC_VERIFY not TRUE), for the start-up warning.
        var ignoredSecurity: String?
        /// Bound on reaching the relay, greeting included (MAIL_CONNECT_TIMEOUT_SECONDS).
        var connectTimeout: Duration = .seconds(10)
        /// Bound on one whole message (MAIL_TIMEOUT_SECONDS).
        var messageTimeout: Duration = .seconds(60)
        /// Messages per minute this process sends at most (MAIL_RATE_PER_MINUTE; nil = no limit).
        var ratePerMinute: Int?
    }

    struct FusionDirectoryAPI: Sendable {
        var url: URL
        var login: String
        var password: String
        /// Bound on connecting and on each call (FUSION_DIRECTORY_TIMEOUT_SECONDS).
        var timeout: Duration
        /// A private CA's PEM bundle, trusted besides the system's roots (FUSION_DIRECTORY_CA_FILE).
        var caFile: String?
    }

    enum Database: Sendable {
        /// `timeout`: bound on getting a connection and on each round trip (STORE_TIMEOUT_SECONDS).
        case postgres(url: String, timeout: Duration)
        case embedded(directory: String)
    }

    var ldap: LDAP
    var secretKey: [UInt8]
    /// Key of FusionDirectory's reminder tokens (REMINDER_TOKEN_KEY; SECRET_KEY by default, as PHP).
    var reminderTokenKey: String
    /// Where prolongation links point: PROLONGATION_URL, else FUSION_DIRECTORY_API_URL (whose
    /// `/rest.php/v1` is dropped); nil → reminders with a link fail with the reason.
    var prolongationBaseURL: String?
    /// PROLONGATION_MODE=orchestrator: the service serves the links itself at
    /// `<PROLONGATION_URL>/api/prolongation` (PROLONGATION_URL then names this service).
    var prolongationByOrchestrator: Bool
    var tokenExpiry: Int
    var refreshExpiry: Int
    /// Seconds a login can be renewed by refreshing, whatever the rotations (nil = no limit).
    var refreshMaxLifetime: Int?
    /// How old the DSA account state an access token is checked against may be (0 = every request).
    var accountRecheckSeconds: Int = 30
    /// cns of the DSAs that may revoke any DSA's sessions (ADMIN_DSAS).
    var adminDSAs: [String] = []
    var mail: Mail
    var fusionDirectory: FusionDirectoryAPI?
    var listenHost: String
    var listenPort: Int
    /// Header-read and idle timeouts, and the connection limit (HTTP_HEADER_TIMEOUT_SECONDS,
    /// HTTP_IDLE_TIMEOUT_SECONDS, HTTP_MAX_CONNECTIONS).
    var httpLimits: HTTPConnectionLimits
    var database: Database
    var logLevel: String
    var logFormat: String
    /// Seconds the FD configuration (time zone, anti-spam limits) is reused before it is read again.
    var configTTL: Int
    /// Seconds the sub-task counts of the listings are reused before the directory is read again
    /// (this service's own writes make them be read again at once).
    var listingTTL: Int
    /// Seconds a run's claims stay valid without its heartbeat (renewed every third of it while
    /// the run lives); a dead run's claims are taken over after this.
    var mailLease: Int
    /// Items a run claims at a time.
    var runBatchSize: Int
    /// Consecutive connection failures (the relay) after which a run stops and leaves the rest.
    var runStopAfterUnreachable: Int
    /// Backoff of transient item failures and the attempts after which an item is dead
    /// (RETRY_BASE_SECONDS, RETRY_CAP_SECONDS, RETRY_MAX_ATTEMPTS).
    var retry = RetryPolicy()
    /// Days runs are kept in the history.
    var runRetentionDays: Int
    /// Attempts at FD's refresh of a Life Cycle user before the sub-task fails with FD's error.
    var lifeCycleRefreshAttempts: Int
    /// Seconds SIGTERM waits for in-flight work before the process ends anyway.
    var shutdownTimeout: Int
    /// Where the audit run copies each event before deleting it (AUDIT_ARCHIVE_DIR); nil = no archive.
    var auditArchiveDirectory: String?
    /// Failed logins tolerated per (name, address), per name and per address within 60 s.
    var loginThrottle: LoginThrottlePolicy
    /// Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); none by default.
    var trustedProxies: TrustedProxies
    /// `/api`, `/orchestrator/api` and those of ORCHESTRATOR_BASE_PATH.
    var apiPrefixes: APIPrefixes
    /// Operations the built-in scheduler runs (SCHEDULE_MAIL, SCHEDULE_AUDIT, …); none by default.
    var schedules: [ScheduleEntry] = []
    /// Seconds a replica leads a scheduled operation without renewing (SCHEDULER_LEASE_SECONDS).
    var schedulerLease: Int = 30
    /// Where `GET /metrics` is served (METRICS, METRICS_LISTEN): on the main listener by default.
    var metrics: MetricsEndpoint = .mainListener

    enum MetricsEndpoint: Sendable, Equatable {
        /// METRICS=FALSE: no /metrics, nothing recorded.
        case off
        case mainListener
        /// METRICS_LISTEN: only on this address, by a second small HTTP server.
        case ownListener(host: String, port: Int)
    }
}

struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    let key: String
    let reason: String
    var description: String { "configuration error: \(key): \(reason)" }
}

extension Settings {
    static let defaultConfigFile = "/etc/fusiondirectory-orchestrator/orchestrator.conf"

    /// Merges the environment with the dotenv file (the file wins, as in PHP) and validates.
    /// `configFile` nil means the default path, used only when it exists.
    static func load(environment: [String: String], configFile: String?) throws(ConfigurationError) -> Settings {
        var values = environment
        let path = configFile ?? (FileManager.default.fileExists(atPath: defaultConfigFile) ? defaultConfigFile : nil)
        if let path {
            do {
                for (key, value) in try DotEnv.read(file: path) { values[key] = value }
            } catch {
                throw ConfigurationError(key: "--config", reason: error.description)
            }
        }
        return try Settings(values: values)
    }

    init(values: [String: String]) throws(ConfigurationError) {
        let read = Reader(values: values)
        ldap = LDAP(
            url: try read.ldapURL("FD_LDAP_MASTER_URL"),
            base: try read.dn("LDAP_BASE"),
            adminDN: try read.dn("LDAP_ADMIN"),
            password: try read.required("LDAP_PWD"),
            dsaBase: try read.dn("LDAP_OU_DSA"),
            poolSize: try read.integer("LDAP_POOL_SIZE", default: 4, range: 1...64),
            timeout: .seconds(try read.integer("LDAP_TIMEOUT", default: 5, range: 1...300)),
            poolWait: .seconds(try read.integer("LDAP_POOL_WAIT_SECONDS", default: 30, range: 1...600)),
            poolQueue: try read.integer("LDAP_POOL_QUEUE", default: 256, range: 0...100_000),
            startTLS: try read.boolean("LDAP_STARTTLS", default: false),
            caFile: try read.pemFile("LDAP_CA_FILE")
        )
        if ldap.startTLS, URLComponents(string: ldap.url)?.scheme?.lowercased() != "ldap" {
            throw ConfigurationError(key: "LDAP_STARTTLS", reason: "TRUE needs an ldap:// FD_LDAP_MASTER_URL (ldaps:// is TLS already, ldapi:// is local; got \(ldap.url))")
        }
        let secret = try read.required("SECRET_KEY")
        guard secret.utf8.count >= 32 else {
            throw ConfigurationError(key: "SECRET_KEY", reason: "must be at least 32 bytes (got \(secret.utf8.count))")
        }
        secretKey = Array(secret.utf8)
        reminderTokenKey = read.optional("REMINDER_TOKEN_KEY") ?? secret
        // Access tokens cannot be recalled one by one: an hour at most (the codec refuses longer ones).
        tokenExpiry = try read.integer("TOKEN_EXPIRY", default: 300, range: 10...Int(JWTKitAccessTokenCodec.maximumLifetime))
        refreshExpiry = try read.integer("REFRESH_EXPIRY", default: 432_000, range: 60...31_536_000)
        // 0 = no limit (as PHP); by default a login can be renewed for 30 days.
        let maxLifetime = try read.integer("REFRESH_MAX_LIFETIME", default: 2_592_000, range: 0...315_360_000)
        guard maxLifetime == 0 || maxLifetime >= 60 else {
            throw ConfigurationError(key: "REFRESH_MAX_LIFETIME", reason: "must be 0 (no limit) or at least 60 (got \(maxLifetime))")
        }
        refreshMaxLifetime = maxLifetime == 0 ? nil : maxLifetime
        // Sessions die with the account (ASVS 7.4.2): a deleted, locked or re-passworded DSA's
        // access tokens are refused within this many seconds.
        accountRecheckSeconds = try read.integer("ACCOUNT_RECHECK_SECONDS", default: 30, range: 0...30)
        adminDSAs = (read.optional("ADMIN_DSAS") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }

        // PHP's meaning: unless MAIL_SEC_VERIFY is TRUE, MAIL_SEC is ignored (the sample's
        // "tls", the upstream placeholder "<ssl/tls>" alike) and STARTTLS is used when the server
        // offers it, unverified. MAIL_SEC_VERIFY=TRUE gives the strict modes.
        let verify = try read.boolean("MAIL_SEC_VERIFY", default: false)
        let security: Mail.Security
        if verify {
            security = try read.optional("MAIL_SEC").map { value throws(ConfigurationError) -> Mail.Security in
                guard let parsed = Mail.Security(rawValue: value.lowercased()), parsed == .ssl || parsed == .tls else {
                    throw ConfigurationError(key: "MAIL_SEC", reason: "must be ssl, tls or empty with MAIL_SEC_VERIFY=TRUE (got \(value))")
                }
                return parsed
            } ?? Mail.Security.none
        } else {
            security = .opportunistic
        }
        let authenticate = try read.boolean("MAIL_AUTH", default: false)
        mail = Mail(
            host: try read.required("MAIL_HOST"),
            port: try read.integer("MAIL_PORT", default: 25, range: 1...65_535),
            authenticate: authenticate,
            user: authenticate ? try read.required("MAIL_USER") : read.optional("MAIL_USER"),
            password: authenticate ? try read.required("MAIL_PASS") : read.optional("MAIL_PASS"),
            security: security,
            verifyCertificates: verify,
            caFile: read.optional("MAIL_CA_FILE"),
            ignoredSecurity: verify ? nil : read.optional("MAIL_SEC"),
            connectTimeout: .seconds(try read.integer("MAIL_CONNECT_TIMEOUT_SECONDS", default: 10, range: 1...300)),
            messageTimeout: .seconds(try read.integer("MAIL_TIMEOUT_SECONDS", default: 60, range: 1...3_600)),
            ratePerMinute: try read.optional("MAIL_RATE_PER_MINUTE").map { _ throws(ConfigurationError) in
                try read.integer("MAIL_RATE_PER_MINUTE", default: 0, range: 1...1_000_000)
            }
        )

        // Validated even without FUSION_DIRECTORY_API_URL: a bad value is a mistake either way.
        let fdTimeout = try read.integer("FUSION_DIRECTORY_TIMEOUT_SECONDS", default: 10, range: 1...300)
        let fdCAFile = try read.pemFile("FUSION_DIRECTORY_CA_FILE")
        if let api = read.optional("FUSION_DIRECTORY_API_URL") {
            guard let url = URL(string: api), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
                throw ConfigurationError(key: "FUSION_DIRECTORY_API_URL", reason: "must be an http(s) URL (got \(api))")
            }
            // Credentials in the URL would end up in logs and error messages.
            guard url.user == nil, url.password == nil else {
                throw ConfigurationError(key: "FUSION_DIRECTORY_API_URL", reason: "must not carry credentials (use WEB_LOGIN and WEB_PASS)")
            }
            fusionDirectory = FusionDirectoryAPI(
                url: url, login: try read.required("WEB_LOGIN"), password: try read.required("WEB_PASS"),
                timeout: .seconds(fdTimeout), caFile: fdCAFile
            )
        } else {
            fusionDirectory = nil
        }

        if let link = read.optional("PROLONGATION_URL") {
            guard let url = URL(string: link), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
                throw ConfigurationError(key: "PROLONGATION_URL", reason: "must be an http(s) URL (got \(link))")
            }
            prolongationBaseURL = link
        } else {
            prolongationBaseURL = fusionDirectory?.url.absoluteString
        }
        switch read.optional("PROLONGATION_MODE")?.lowercased() ?? "fusiondirectory" {
        case "fusiondirectory": prolongationByOrchestrator = false
        case "orchestrator":
            guard read.optional("PROLONGATION_URL") != nil else {
                throw ConfigurationError(key: "PROLONGATION_URL", reason: "is required with PROLONGATION_MODE=orchestrator: the public URL of this service, e.g. https://orchestrator.example.org/orchestrator")
            }
            prolongationByOrchestrator = true
        case let other:
            throw ConfigurationError(key: "PROLONGATION_MODE", reason: "must be fusiondirectory or orchestrator (got \(other))")
        }

        (listenHost, listenPort) = try Self.hostAndPort(read.optional("ORCHESTRATOR_LISTEN") ?? "127.0.0.1:8080", key: "ORCHESTRATOR_LISTEN")
        httpLimits = HTTPConnectionLimits(
            headerTimeout: .seconds(try read.integer("HTTP_HEADER_TIMEOUT_SECONDS", default: 10, range: 1...300)),
            idleTimeout: .seconds(try read.integer("HTTP_IDLE_TIMEOUT_SECONDS", default: 60, range: 1...3_600)),
            maxConnections: try read.integer("HTTP_MAX_CONNECTIONS", default: 1024, range: 1...1_000_000)
        )

        if let url = read.optional("DATABASE_URL") {
            guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
                  components.host?.isEmpty == false else {
                throw ConfigurationError(key: "DATABASE_URL", reason: "must be a postgres:// URL")
            }
            database = .postgres(url: url, timeout: .seconds(try read.integer("STORE_TIMEOUT_SECONDS", default: 10, range: 1...300)))
        } else {
            database = .embedded(directory: read.optional("ORCHESTRATOR_STATE_DIR") ?? "/var/lib/fusiondirectory-orchestrator")
        }
        configTTL = try read.integer("ORCHESTRATOR_CONFIG_TTL", default: 60, range: 0...86_400)
        listingTTL = try read.integer("ORCHESTRATOR_LISTING_TTL", default: 2, range: 0...3_600)
        mailLease = try read.integer("MAIL_LEASE_SECONDS", default: 600, range: 1...86_400)
        runBatchSize = try read.integer("RUN_BATCH_SIZE", default: 50, range: 1...10_000)
        runStopAfterUnreachable = try read.integer("RUN_STOP_AFTER_UNREACHABLE", default: 3, range: 1...10_000)
        let retryBase = try read.integer("RETRY_BASE_SECONDS", default: 60, range: 0...86_400)
        let retryCap = try read.integer("RETRY_CAP_SECONDS", default: 3_600, range: 0...604_800)
        guard retryCap >= retryBase else {
            throw ConfigurationError(key: "RETRY_CAP_SECONDS", reason: "must be at least RETRY_BASE_SECONDS (\(retryBase); got \(retryCap))")
        }
        retry = RetryPolicy(
            base: TimeInterval(retryBase), cap: TimeInterval(retryCap), maxAttempts: try read.integer("RETRY_MAX_ATTEMPTS", default: 8, range: 1...1_000)
        )
        runRetentionDays = try read.integer("RUN_HISTORY_RETENTION_DAYS", default: 90, range: 1...36_500)
        lifeCycleRefreshAttempts = try read.integer("LIFECYCLE_REFRESH_ATTEMPTS", default: 5, range: 1...100)
        shutdownTimeout = try read.integer("SHUTDOWN_TIMEOUT_SECONDS", default: 30, range: 1...3_600)
        auditArchiveDirectory = try read.writableDirectory("AUDIT_ARCHIVE_DIR")
        loginThrottle = LoginThrottlePolicy(
            perPair: 5,
            perName: try read.integer("LOGIN_THROTTLE_PER_NAME", default: 20, range: 5...100_000),
            perAddress: try read.integer("LOGIN_THROTTLE_PER_ADDRESS", default: 50, range: 5...100_000),
            window: 60
        )
        do throws(TrustedProxies.InvalidEntry) {
            trustedProxies = try read.optional("TRUSTED_PROXIES").map { text throws(TrustedProxies.InvalidEntry) in try TrustedProxies(parsing: text) } ?? TrustedProxies.none
        } catch {
            throw ConfigurationError(key: "TRUSTED_PROXIES", reason: "not an IP address or CIDR: \(error.entry)")
        }
        do throws(APIPrefixes.InvalidBasePath) {
            apiPrefixes = try APIPrefixes(basePaths: (read.optional("ORCHESTRATOR_BASE_PATH") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        } catch {
            throw ConfigurationError(key: "ORCHESTRATOR_BASE_PATH", reason: "must be comma-separated paths such as /fd/orchestrator of letters, digits and -._~ (got \(error.path))")
        }
        schedules = []
        for operation in RunOperation.all {
            let key = Self.scheduleKey(operation)
            guard let expression = read.optional(key)?.trimmingCharacters(in: .whitespaces), !expression.isEmpty else { continue }
            do throws(DomainError) {
                schedules.append(ScheduleEntry(operation: operation, cron: try CronSchedule(expression, setting: key)))
            } catch {
                throw ConfigurationError(key: key, reason: "not a five-field cron schedule such as \"*/5 * * * *\" (\(error.message))")
            }
        }
        schedulerLease = try read.integer("SCHEDULER_LEASE_SECONDS", default: 30, range: 3...3_600)
        if !(try read.boolean("METRICS", default: true)) {
            metrics = .off
        } else if let listen = read.optional("METRICS_LISTEN") {
            let (host, port) = try Self.hostAndPort(listen, key: "METRICS_LISTEN")
            guard (host, port) != (listenHost, listenPort) || port == 0 else {
                throw ConfigurationError(key: "METRICS_LISTEN", reason: "must differ from ORCHESTRATOR_LISTEN (got \(listen))")
            }
            metrics = .ownListener(host: host, port: port)
        } else {
            metrics = .mainListener
        }
        logLevel = read.optional("LOG_LEVEL") ?? "info"
        logFormat = read.optional("LOG_FORMAT") ?? "json"
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ConfigurationError(key: "LOG_LEVEL", reason: "unknown level \(logLevel)")
        }
    }
}

extension Settings {
    /// `host:port`, `[v6]:port` too.
    static func hostAndPort(_ text: String, key: String) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ConfigurationError(key: key, reason: "must be host:port (got \(text))")
        }
        return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }
}

private struct Reader {
    let values: [String: String]

    func optional(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }

    func required(_ key: String) throws(ConfigurationError) -> String {
        guard let value = optional(key) else { throw ConfigurationError(key: key, reason: "missing") }
        return value
    }

    func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = optional(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(key: key, reason: "must be an integer in \(range.lowerBound)...\(range.upperBound) (got \(text))")
        }
        return value
    }

    /// FD writes booleans as TRUE/FALSE; accept any case here, reject anything else.
    func boolean(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let text = optional(key) else { return fallback }
        switch text.uppercased() {
        case "TRUE": return true
        case "FALSE": return false
        default: throw ConfigurationError(key: key, reason: "must be TRUE or FALSE (got \(text))")
        }
    }

    /// A readable file holding at least one PEM certificate, checked now rather than at the first TLS handshake.
    func pemFile(_ key: String) throws(ConfigurationError) -> String? {
        guard let path = optional(key) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: key, reason: "cannot read \(path)")
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw ConfigurationError(key: key, reason: "\(path) holds no PEM certificate")
        }
        return path
    }

    /// An absolute path that is a writable directory, or that can be created as one (its parent
    /// is): checked at start, not at the first audit run.
    func writableDirectory(_ key: String) throws(ConfigurationError) -> String? {
        guard let path = optional(key) else { return nil }
        guard path.hasPrefix("/") else { throw ConfigurationError(key: key, reason: "must be an absolute path (got \(path))") }
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ConfigurationError(key: key, reason: "\(path) is not a directory") }
            guard manager.isWritableFile(atPath: path) else { throw ConfigurationError(key: key, reason: "\(path) is not writable") }
            return path
        }
        let parent = (path as NSString).deletingLastPathComponent
        guard manager.isWritableFile(atPath: parent.isEmpty ? "/" : parent) else {
            throw ConfigurationError(key: key, reason: "\(path) does not exist and cannot be created in \(parent)")
        }
        return path
    }

    func dn(_ key: String) throws(ConfigurationError) -> String {
        let text = try required(key)
        do {
            return try DistinguishedName(parsing: text).description
        } catch {
            throw ConfigurationError(key: key, reason: "not a valid DN (\(error.message))")
        }
    }

    func ldapURL(_ key: String) throws(ConfigurationError) -> String {
        let text = try required(key)
        guard let components = URLComponents(string: text), ["ldap", "ldaps", "ldapi"].contains(components.scheme?.lowercased() ?? ""),
              components.scheme?.lowercased() == "ldapi" || components.host?.isEmpty == false else {
            throw ConfigurationError(key: key, reason: "must be an ldap://, ldaps:// or ldapi:// URL (got \(text))")
        }
        return text
    }
}

extension Settings {
    /// `SCHEDULE_` and the operation's name in capitals: SCHEDULE_MAIL, SCHEDULE_LIFECYCLE,
    /// SCHEDULE_REMOVESUBTASKS, SCHEDULE_ACTIVATECYCLICTASKS …
    static func scheduleKey(_ operation: RunOperation) -> String { "SCHEDULE_" + operation.name.uppercased() }
}

extension Settings.Mail {
    /// What the log must say at start when mail is not protected as strictly as it could be.
    var startupWarning: String? {
        switch security {
        case .opportunistic:
            let ignored = ignoredSecurity.map { " MAIL_SEC=\"\($0)\" is ignored, as the PHP orchestrator ignored it." } ?? ""
            return "MAIL_SEC_VERIFY is not TRUE: SMTP uses STARTTLS only when the server offers it, else plain text, and TLS certificates are NOT verified.\(ignored) Set MAIL_SEC_VERIFY=TRUE with MAIL_SEC=ssl or tls for verified TLS."
        case .none:
            return "MAIL_SEC is empty with MAIL_SEC_VERIFY=TRUE: SMTP is plain text"
        case .ssl, .tls:
            return nil
        }
    }
}
