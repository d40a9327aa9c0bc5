import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Settings {
    /// What the log must say at start about settings that work but protect less than they could.
    /// `openFileLimit` is the process's soft RLIMIT_NOFILE (nil: unknown).
    func startupWarnings(openFileLimit: Int? = Self.openFileLimit()) -> [String] {
        var warnings: [String] = []
        if let warning = mail.startupWarning { warnings.append(warning) }
        warnings += cleartextCredentialWarnings
        // The LDAP pool, the state store, the log and the listening socket need descriptors too.
        let reserved = ldap.poolSize + 32
        if let limit = openFileLimit, httpLimits.maxConnections + reserved > limit {
            warnings.append(
                "HTTP_MAX_CONNECTIONS=\(httpLimits.maxConnections) does not fit the open-file limit (\(limit)) with \(reserved) descriptors for LDAP, the state store and the rest: past about \(max(0, limit - reserved)) connections the service cannot open files or connections. Lower HTTP_MAX_CONNECTIONS or raise LimitNOFILE."
            )
        }
        return warnings
    }

    /// Every password that would cross the network unencrypted, to a host that is not this one.
    var cleartextCredentialWarnings: [String] {
        var warnings: [String] = []
        if let url = URLComponents(string: ldap.url), url.scheme?.lowercased() == "ldap", !ldap.startTLS,
           let host = url.host, !NetworkHost.isLoopback(host) {
            warnings.append(
                "FD_LDAP_MASTER_URL is ldap:// to \(host) without LDAP_STARTTLS: the service account's password (LDAP_PWD) and the password of every login cross the network in clear. Set LDAP_STARTTLS=TRUE (with LDAP_CA_FILE for a private CA) or use ldaps://."
            )
        }
        if mail.authenticate, !NetworkHost.isLoopback(mail.host) {
            switch mail.security {
            case .none:
                warnings.append("MAIL_AUTH=TRUE over plain SMTP to \(mail.host): MAIL_PASS crosses the network in clear. Set MAIL_SEC_VERIFY=TRUE with MAIL_SEC=tls or ssl.")
            case .opportunistic:
                warnings.append("MAIL_AUTH=TRUE to \(mail.host) without MAIL_SEC_VERIFY=TRUE: MAIL_PASS is sent in clear if the relay does not offer STARTTLS (or someone on the path strips the offer), and to an unverified certificate otherwise. Set MAIL_SEC_VERIFY=TRUE with MAIL_SEC=tls or ssl.")
            case .ssl, .tls:
                break
            }
        }
        if let api = fusionDirectory, api.url.scheme?.lowercased() == "http", let host = api.url.host, !NetworkHost.isLoopback(host) {
            warnings.append("FUSION_DIRECTORY_API_URL is http:// to \(host): WEB_PASS and FusionDirectory's session token cross the network in clear. Use https://.")
        }
        return warnings
    }

    static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}

/// Whether a host name or address is this machine: `localhost` (RFC 6761 §6.3), 127.0.0.0/8 and
/// `::1` (and 127.0.0.0/8 mapped into IPv6). Any other name is taken as remote, even one that
/// happens to resolve here: the check is on the configuration, not on DNS.
enum NetworkHost {
    static func isLoopback(_ host: String) -> Bool {
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, name, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        let mapped = bytes[..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        return mapped && bytes[12] == 127
    }
}
