@testable import OrchestratorClient
import Testing

/// Where the client finds its settings, and what it makes of the URL: no file, no network.
struct ClientSettingsTests {
    func options(_ arguments: [String] = []) throws -> ClientOptions {
        try ClientOptions.parse(arguments)
    }

    func layer(_ name: String, _ values: [String: String]) -> ClientSettings.Layer {
        ClientSettings.Layer(name: name, values: values)
    }

    @Test func thePHPOrchestratorFileIsEnough() throws {
        let php = layer("orchestrator.conf", ["ORCHESTRATOR_API_URL": "https://fd.example.org/orchestrator", "DSA_LOGIN": "orchestrator", "DSA_PASS": "secret"])
        let settings = try ClientSettings.resolve(options: options(), layers: [php], environment: [:], passwordFile: nil)
        #expect(settings.api.url("/login") == "https://fd.example.org/orchestrator/api/login")
        #expect(settings.user == "orchestrator")
        #expect(settings.password == "secret")
        #expect(settings.timeoutSeconds == ClientSettings.defaultTimeout)
    }

    @Test func theNewerClientKeysWinOverTheDSAKeysOfTheSameSource() throws {
        let file = layer("f", ["ORCHESTRATOR_API_URL": "http://h", "DSA_LOGIN": "old", "ORCHESTRATOR_LOGIN": "new", "DSA_PASS": "p1", "ORCHESTRATOR_PASSWORD": "p2"])
        let settings = try ClientSettings.resolve(options: options(), layers: [file], environment: [:], passwordFile: nil)
        #expect(settings.user == "new")
        #expect(settings.password == "p2")
    }

    @Test func theEnvironmentOverridesTheFilesAndFlagsOverrideBoth() throws {
        let file = layer("f", ["ORCHESTRATOR_API_URL": "http://file", "ORCHESTRATOR_LOGIN": "file-user", "DSA_PASS": "file-pass"])
        let environment = layer("env", ["ORCHESTRATOR_API_URL": "http://env", "DSA_LOGIN": "env-user"])
        let fromEnvironment = try ClientSettings.resolve(options: options(), layers: [file, environment], environment: [:], passwordFile: nil)
        #expect(fromEnvironment.api.root == "http://env")
        #expect(fromEnvironment.user == "env-user")
        #expect(fromEnvironment.password == "file-pass")
        let fromFlags = try ClientSettings.resolve(
            options: options(["--url", "http://flag/", "--user", "flag-user"]), layers: [file, environment], environment: [:], passwordFile: "from-file\nignored\n"
        )
        #expect(fromFlags.api.root == "http://flag")
        #expect(fromFlags.user == "flag-user")
        #expect(fromFlags.password == "from-file")
    }

    @Test func aMissingSettingIsAConfigurationErrorNamingTheKey() throws {
        let file = layer("/etc/x.conf", ["ORCHESTRATOR_API_URL": "http://h", "DSA_LOGIN": "u"])
        do {
            _ = try ClientSettings.resolve(options: options(), layers: [file], environment: [:], passwordFile: nil)
            Issue.record("resolved without a password")
        } catch let failure as ClientFailure {
            #expect(failure.status == .usage)
            #expect(failure.message.contains("ORCHESTRATOR_PASSWORD (or DSA_PASS)"))
            #expect(failure.message.contains("/etc/x.conf"))
        }
    }

    @Test(arguments: [
        ("http://fd.example.org/orchestrator", "http://fd.example.org/orchestrator/api/tasks"),
        ("http://fd.example.org/orchestrator/", "http://fd.example.org/orchestrator/api/tasks"),
        ("https://fd.example.org/orchestrator/api/", "https://fd.example.org/orchestrator/api/tasks"),
        ("HTTP://127.0.0.1:8080", "http://127.0.0.1:8080/api/tasks"),
        ("  http://127.0.0.1:8080/  ", "http://127.0.0.1:8080/api/tasks"),
    ])
    func theURLMayOrMayNotEndInOrchestrator(_ configured: String, _ expected: String) throws {
        #expect(try APIBase(configured).url("/tasks") == expected)
    }

    @Test(arguments: ["fd.example.org/orchestrator", "ftp://fd.example.org", "http://u:p@fd.example.org", "http://fd.example.org/?x=1", ""])
    func aURLThatIsNotAnHTTPAddressIsRefused(_ configured: String) {
        #expect(throws: ClientFailure.self) { try APIBase(configured) }
    }

    @Test func theProxyComesFromTheEnvironmentExceptForLoopbackAndNoProxy() throws {
        let remote = try APIBase("https://fd.example.org/orchestrator")
        let environment = ["https_proxy": "http://bob:s%40cret@proxy.example.org:3128", "http_proxy": "http://other:8080"]
        #expect(try ProxySetting.forServer(remote, environment: environment) == ProxySetting(host: "proxy.example.org", port: 3128, user: "bob", password: "s@cret"))
        #expect(try ProxySetting.forServer(try APIBase("http://fd.example.org"), environment: environment)?.host == "other")
        #expect(try ProxySetting.forServer(remote, environment: environment.merging(["no_proxy": "localhost,.example.org"]) { $1 }) == nil)
        #expect(try ProxySetting.forServer(try APIBase("http://127.0.0.1:8080"), environment: environment) == nil)
        #expect(try ProxySetting.forServer(try APIBase("http://localhost:8080"), environment: environment) == nil)
        // Upper-case HTTP_PROXY is what a CGI request's `Proxy:` header becomes: never read.
        #expect(try ProxySetting.forServer(try APIBase("http://fd.example.org"), environment: ["HTTP_PROXY": "http://evil:1"]) == nil)
        #expect(throws: ClientFailure.self) { try ProxySetting.forServer(remote, environment: ["https_proxy": "socks5://p:1080"]) }
    }
}
