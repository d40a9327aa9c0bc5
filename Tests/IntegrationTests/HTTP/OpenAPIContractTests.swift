import StateStoreAdapter
import HTTPAdapter
import MetricsAdapter
@testable import Bootstrap
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `the OpenAPI document` is the published contract: it must list exactly the routes the router
/// has, be OpenAPI 3.1, and be what `GET /api/openapi.json` serves. No service is contacted: the
/// LDAP URL below is never dialled, the embedded store lives in a temporary directory.
/// (`scripts/schemathesis` checks the responses themselves against a running service.)
@Suite struct OpenAPIContractTests {
    static let documentURL = TestServices.repositoryRoot.appendingPathComponent("Sources/Adapters/HTTP/Resources/openapi.json")
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    struct Route: Hashable, Comparable, CustomStringConvertible {
        let method: String
        let path: String
        var description: String { "\(method.uppercased()) \(path)" }
        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
    }

    static var logger: Logger {
        var logger = Logger(label: "openapi-test")
        logger.logLevel = .warning
        return logger
    }

    static func settings() throws -> Settings {
        try Settings(values: [
            "FD_LDAP_MASTER_URL": "ldap://127.0.0.1:1",
            "LDAP_BASE": "dc=example,dc=org",
            "LDAP_ADMIN": "cn=admin,dc=example,dc=org",
            "LDAP_PWD": "unused",
            "LDAP_OU_DSA": "ou=dsa,dc=example,dc=org",
            "SECRET_KEY": "openapi-contract-tests-secret-0123456789",
            "MAIL_HOST": "127.0.0.1",
            "ORCHESTRATOR_LISTEN": "127.0.0.1:0",
        ])
    }

    static func documentData() throws -> Data {
        try Data(contentsOf: documentURL)
    }

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: documentData()) as? [String: Any], "the OpenAPI document is not a JSON object")
    }

    /// Resolves a local `$ref` ("#/components/pathItems/Login") in `document`.
    static func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any? = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = (node as? [String: Any])?[key]
        }
        return node
    }

    /// Hummingbird's `:param` (and its `{param}` description) as OpenAPI's `{param}`.
    static func openAPIPath(_ routerPath: String) -> String {
        "/" + routerPath.split(separator: "/").map { component in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }.joined(separator: "/")
    }

    static func documentedRoutes(_ document: [String: Any]) throws -> [Route: [String: Any]] {
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: [Route: [String: Any]] = [:]
        for (path, value) in paths {
            var item = try #require(value as? [String: Any], "path \(path) is not an object")
            if let reference = item["$ref"] as? String {
                item = try #require(resolve(reference, in: document) as? [String: Any], "path \(path): \(reference) does not resolve")
            }
            for (key, operation) in item where methods.contains(key) {
                routes[Route(method: key, path: path)] = operation as? [String: Any] ?? [:]
            }
        }
        return routes
    }

    static func registeredRoutes() async throws -> Set<Route> {
        let store = try TestServices.shared.embeddedStore()
        // /metrics is on the main listener by default (METRICS_LISTEN unset).
        let router = try Composition.makeRouter(
            try await Composition.useCases(settings: try settings(), store: store, logger: logger), metricsPage: PrometheusMetrics()
        )
        return Set(router.routes.map { Route(method: $0.method.rawValue.lowercased(), path: openAPIPath($0.path.description)) })
    }

    static func makeApp() async throws -> Composition.App {
        try await Composition.makeApplication(settings: try settings(), store: try TestServices.shared.embeddedStore(), logger: logger)
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() async throws {
        let registered = try await Self.registeredRoutes()
        let documented = Set(try Self.documentedRoutes(Self.document()).keys)
        #expect(registered.count > 10, "the router lists suspiciously few routes: \(registered.sorted())")
        let undocumented = registered.subtracting(documented).sorted()
        let unregistered = documented.subtracting(registered).sorted()
        #expect(undocumented.isEmpty, "registered but missing from the OpenAPI document: \(undocumented)")
        #expect(unregistered.isEmpty, "in the OpenAPI document but not registered: \(unregistered)")
    }

    @Test func theDocumentIsOpenAPI31WithResolvableReferences() throws {
        let document = try Self.document()
        let version = try #require(document["openapi"] as? String)
        #expect(version.range(of: #"^3\.1\.[0-9]+$"#, options: .regularExpression) != nil, "openapi is \(version), not 3.1.x")
        #expect((document["info"] as? [String: Any])?["title"] is String)

        var unresolved: [String] = []
        func walk(_ node: Any) {
            if let object = node as? [String: Any] {
                if let reference = object["$ref"] as? String, Self.resolve(reference, in: document) == nil { unresolved.append(reference) }
                object.values.forEach(walk)
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        walk(document)
        #expect(unresolved.isEmpty, "unresolvable $ref: \(Set(unresolved).sorted())")

        // Protected operations name the bearer scheme, which must exist.
        let scheme = (((document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any])?["bearerAuth"] as? [String: Any])
        #expect(scheme?["scheme"] as? String == "bearer")
        #expect(scheme?["bearerFormat"] as? String == "JWT")
    }

    @Test func theBuiltResourceIsTheRepositoryDocument() throws {
        let served = try OpenAPIDocument.load()
        #expect(
            Data(buffer: served.bytes) == (try Self.documentData()),
            "the built resource bundle holds another openapi.json than the repository: rebuild"
        )
    }

    @Test func theDocumentIsServedWithoutAuthentication() async throws {
        let expected = try Self.documentData()
        try await Self.makeApp().test(.router) { client in
            for uri in ["/api/openapi.json", "/orchestrator/api/openapi.json"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.contentType] == "application/json", "\(uri)")
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false, "\(uri)")
                    #expect(Data(buffer: response.body) == expected, "\(uri) does not serve the OpenAPI document")
                }
            }
        }
    }

    /// Operations documented only as 405 are the methods `Router.api` rejects: check they do, with `Allow`.
    @Test func documentedMethodNotAllowedOperationsAnswer405WithAllow() async throws {
        let document = try Self.document()
        let rejected = try Self.documentedRoutes(document).filter { _, operation in
            (operation["responses"] as? [String: Any]).map { Set($0.keys) == ["405"] } ?? false
        }.keys.sorted()
        #expect(!rejected.isEmpty)
        try await Self.makeApp().test(.router) { client in
            for route in rejected {
                try await client.execute(uri: route.path, method: HTTPRequest.Method(route.method.uppercased())!) { response in
                    #expect(response.status == .methodNotAllowed, "\(route)")
                    #expect(response.headers[.allow]?.isEmpty == false, "\(route) has no Allow header")
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect((body?["error"] as? [String: Any])?["code"] as? String == "http.method_not_allowed", "\(route)")
                }
            }
        }
    }
}
