import Foundation

/// The HTTP proxy the environment asks for, as curl reads it: `https_proxy` / `HTTPS_PROXY` for an
/// https server, `http_proxy` (lower case only, as curl: a CGI `Proxy:` header becomes
/// `HTTP_PROXY`) for http, `all_proxy` / `ALL_PROXY` otherwise; `no_proxy` / `NO_PROXY` lists
/// hosts and domains to reach directly (`*` = all). Loopback servers are always reached directly.
struct ProxySetting: Sendable, Equatable {
    let host: String
    let port: Int
    let user: String?
    let password: String?

    static func forServer(_ server: APIBase, environment: [String: String]) throws -> ProxySetting? {
        func value(_ names: [String]) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        let host = server.host.lowercased()
        if isLoopback(host) { return nil }
        if let exceptions = value(["no_proxy", "NO_PROXY"]), bypasses(host, exceptions) { return nil }
        let names = server.scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
        guard let text = value(names + ["all_proxy", "ALL_PROXY"]) else { return nil }
        return try parse(text)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// curl's rule: an entry matches the host itself or any name under it; a leading dot is optional.
    static func bypasses(_ host: String, _ list: String) -> Bool {
        for rawEntry in list.split(separator: ",") {
            var entry = rawEntry.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]"), entry.filter({ $0 == ":" }).count == 1 {
                entry = String(entry[..<colon])
            }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// `http://[user:password@]host[:port]` or `host[:port]` (port 1080 by default, as curl).
    static func parse(_ text: String) throws -> ProxySetting {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw ClientFailure.configuration("proxy: cannot read \(trimmed.debugDescription) (expected http://host:port)")
        }
        guard components.scheme?.lowercased() == "http" else {
            throw ClientFailure.configuration("proxy: only http:// proxies are supported, got \(trimmed.debugDescription)")
        }
        return ProxySetting(
            host: host, port: components.port ?? 1080,
            user: components.user?.removingPercentEncoding, password: components.password?.removingPercentEncoding
        )
    }
}
