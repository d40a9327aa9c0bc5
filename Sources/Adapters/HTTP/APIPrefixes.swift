import Hummingbird

/// The path prefixes every API route is served under: `/api` and `/orchestrator/api` (where the
/// PHP orchestrator lived), plus the Apache aliases of ORCHESTRATOR_BASE_PATH.
public struct APIPrefixes: Sendable, Equatable {
    public static let defaults = APIPrefixes(paths: ["/api", "/orchestrator/api"])
    public let paths: [String]

    init(paths: [String]) {
        self.paths = paths
    }

    /// The defaults plus each base path: an alias such as `/fd/orchestrator` serves
    /// `/fd/orchestrator/api/…`, as PHP did under it; a path already ending in `/api` is taken whole.
    public init(basePaths: [String]) throws(InvalidBasePath) {
        var paths = Self.defaults.paths
        for raw in basePaths {
            let text = raw.hasSuffix("/") && raw.count > 1 ? String(raw.dropLast()) : raw
            let segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            // Plain segments only: `:x`, `*` or `{x}` would become router parameters or wildcards.
            guard text.hasPrefix("/"), text.utf8.count <= 200, !segments.isEmpty,
                  segments.allSatisfy({ segment in
                      !segment.isEmpty && segment != "." && segment != ".."
                          && segment.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-._~".unicodeScalars.contains($0)) }
                  }) else {
                throw InvalidBasePath(path: raw)
            }
            let prefix = text.hasSuffix("/api") ? text : text + "/api"
            if !paths.contains(prefix) { paths.append(prefix) }
        }
        self.paths = paths
    }

    public struct InvalidBasePath: Error, Sendable {
        public let path: String
    }
}

/// The router, and the prefixes API routes are registered under.
public struct APIRouter {
    public let router: Router<AppRequestContext>
    public let prefixes: APIPrefixes

    public init(_ router: Router<AppRequestContext>, prefixes: APIPrefixes = .defaults) {
        self.router = router
        self.prefixes = prefixes
    }

    /// Registers `handler` for `method` on `path` under every API prefix, and a 405 with
    /// `Allow` for the other methods.
    func api(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response) {
        for prefix in prefixes.paths {
            router.on(RouterPath(prefix + path), method: method, use: handler)
        }
        rejectMethods(on: path, allowing: [method])
    }

    /// A 405 with `Allow` for the methods `path` (under every API prefix) does not serve, before
    /// any authentication, as the PHP service answered: a client learns the method is wrong, not
    /// that the resource is missing.
    func rejectMethods(on path: String, allowing allowed: [HTTPRequest.Method]) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for prefix in prefixes.paths {
            for other in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !allowed.contains(other) {
                router.on(RouterPath(prefix + path), method: other) { _, _ -> Response in
                    throw HTTPRouteError.methodNotAllowed(allow: allow)
                }
            }
        }
    }

    /// One group per prefix for `path`.
    func groups(_ path: String) -> [RouterGroup<AppRequestContext>] {
        prefixes.paths.map { router.group(RouterPath($0 + path)) }
    }
}
