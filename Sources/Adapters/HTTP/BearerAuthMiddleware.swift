import Application
import Foundation
import Hummingbird

/// Lets a request through only with a valid, unrevoked access token; records the DSA in the context.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    private let authenticate: AuthenticateRequest

    public init(auth: AuthDependencies) {
        authenticate = AuthenticateRequest(auth)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let claims = try await authenticate(authorization: request.headers[.authorization], context: context.security)
        context.principal = claims.subject
        context.logger[metadataKey: "dsa"] = .string(claims.subject)
        return try await next(request, context)
    }
}

/// `GET /api/session`: the authenticated DSA. Also the cheapest protected route for benchmarks.
public struct SessionRoutes: Sendable {
    private let auth: AuthDependencies

    public init(auth: AuthDependencies) {
        self.auth = auth
    }

    public func register(on router: APIRouter) {
        for group in router.groups("") {
            group.add(middleware: BearerAuthMiddleware(auth: auth))
                .get("session") { _, context in
                    try JSONBody.response(ResponseBody.Session(dsa: context.principal ?? ""))
                }
        }
    }
}
