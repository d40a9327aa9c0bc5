/// Where FusionDirectory's REST API is and how to call it (FUSION_DIRECTORY_API_URL, WEB_LOGIN,
/// WEB_PASS, FUSION_DIRECTORY_TIMEOUT_SECONDS, FUSION_DIRECTORY_CA_FILE).
public struct FusionDirectoryRESTSettings: Sendable {
    /// `https://fd.example.org/rest.php/v1`: the calls append `/login`, `/objects/…`.
    public var baseURL: String
    public var login: String
    public var password: String
    /// Bound on connecting and on each HTTP exchange (login, one PATCH), answer body included.
    public var timeout: Duration
    /// PEM bundle trusted in addition to the system's roots (a private CA). Verification is always on.
    public var caFile: String?

    public init(baseURL: String, login: String, password: String, timeout: Duration = .seconds(10), caFile: String? = nil) {
        // PHP concatenated "<url>/login": a trailing slash would make "//login".
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.login = login
        self.password = password
        self.timeout = timeout
        self.caFile = caFile
    }
}

extension FusionDirectoryRESTSettings: CustomStringConvertible {
    /// Never the password.
    public var description: String {
        "FusionDirectoryRESTSettings(baseURL: \(baseURL), login: \(login), timeout: \(timeout), caFile: \(caFile ?? "none"))"
    }
}
