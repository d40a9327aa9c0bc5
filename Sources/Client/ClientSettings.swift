import DotEnvFile
import Foundation

/// Everything an invocation needs to talk to the server, resolved once: flags over the
/// environment over the client's file over `orchestrator.conf` (the PHP client's keys).
struct ClientSettings: Sendable, Equatable {
    static let defaultConfigFiles = [
        "/etc/fusiondirectory-orchestrator/orchestrator.conf",
        // The newer PHP client's own file (fusiondirectory-tools): it wins over the service's.
        "/etc/fusiondirectory-tools/fusiondirectory-orchestrator-client.conf",
    ]
    static let defaultTimeout = 300

    let api: APIBase
    let user: String
    let password: String
    let timeoutSeconds: Int
    let caFile: String?
    let insecure: Bool
    let proxy: ProxySetting?

    /// One source of `KEY=value` settings, weakest first in `resolve`.
    struct Layer: Sendable {
        let name: String
        let values: [String: String]

        /// The first of `keys` this layer sets (not empty), with the key that held it.
        func first(_ keys: [String]) -> (key: String, value: String)? {
            for key in keys { if let value = values[key], !value.isEmpty { return (key, value) } }
            return nil
        }
    }

    /// Reads the configuration files: `--config` alone when given, else the defaults that exist.
    static func fileLayers(config: String?, exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws -> [Layer] {
        let paths = config.map { [$0] } ?? defaultConfigFiles.filter(exists)
        return try paths.map { (path: String) throws -> Layer in
            do {
                return Layer(name: path, values: try DotEnv.read(file: path))
            } catch {
                throw ClientFailure.configuration("configuration file: \(error)")
            }
        }
    }

    /// `layers` weakest first (the files, then the environment); `options` are the flags;
    /// `passwordFile` is what `--password-file` holds.
    static func resolve(options: ClientOptions, layers: [Layer], environment: [String: String], passwordFile: String?) throws -> ClientSettings {
        func lookup(_ keys: [String]) -> String? {
            for layer in layers.reversed() { if let found = layer.first(keys) { return found.value } }
            return nil
        }
        let sources = layers.map(\.name).joined(separator: ", ")
        guard let urlText = options.url ?? lookup(["ORCHESTRATOR_API_URL"]) else {
            throw ClientFailure.configuration("ORCHESTRATOR_API_URL is not set (looked in \(sources), --url)")
        }
        let api = try APIBase(urlText)
        guard let user = options.user ?? lookup(["ORCHESTRATOR_LOGIN", "DSA_LOGIN"]) else {
            throw ClientFailure.configuration("ORCHESTRATOR_LOGIN (or DSA_LOGIN) is not set (looked in \(sources), --user)")
        }
        let password: String
        if let passwordFile {
            password = String(passwordFile.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            guard !password.isEmpty else { throw ClientFailure.configuration("--password-file: the first line is empty") }
        } else if let found = lookup(["ORCHESTRATOR_PASSWORD", "DSA_PASS"]) {
            password = found
        } else {
            throw ClientFailure.configuration("ORCHESTRATOR_PASSWORD (or DSA_PASS) is not set (looked in \(sources), --password-file)")
        }
        let timeout = options.timeout ?? defaultTimeout
        guard (1...86_400).contains(timeout) else { throw ClientFailure.usage("--timeout must be between 1 and 86400 seconds") }
        return ClientSettings(
            api: api, user: user, password: password, timeoutSeconds: timeout, caFile: options.cacert, insecure: options.insecure,
            proxy: try ProxySetting.forServer(api, environment: environment)
        )
    }
}

/// The server's address as configured, reduced to the root the API paths hang from:
/// `https://fd.example.org/orchestrator` (the PHP layout) or `http://127.0.0.1:8080` both work,
/// since the service answers under `/api` and `/orchestrator/api`.
struct APIBase: Sendable, Equatable, CustomStringConvertible {
    let root: String
    let scheme: String
    let host: String

    init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ClientFailure.configuration("ORCHESTRATOR_API_URL: expected an http:// or https:// URL, got \(trimmed.debugDescription)")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil, components.password == nil else {
            throw ClientFailure.configuration("ORCHESTRATOR_API_URL: no query, fragment or credentials in the URL (\(trimmed.debugDescription))")
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        // Some sites wrote the API's own root (…/orchestrator/api): the paths below add /api.
        if path.hasSuffix("/api") { path.removeLast(4) }
        var rebuilt = components
        rebuilt.scheme = scheme
        rebuilt.percentEncodedPath = path
        self.root = rebuilt.string ?? trimmed
        self.scheme = scheme
        self.host = host
    }

    /// `/tasks/mail` → `<root>/api/tasks/mail`.
    func url(_ path: String) -> String { root + "/api" + path }

    var description: String { root }
}
