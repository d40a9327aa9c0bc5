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
/// `POST /api/sessions/revoke` `{"dsa": "<cn>"}`: ends every session of that DSA (its own, or
/// any DSA's for those in ADMIN_DSAS) and answers how many were live.
public struct SessionRoutes: Sendable {
    private let auth: AuthDependencies
    private let revoke: RevokeSessions

    public init(auth: AuthDependencies) {
        self.auth = auth
        revoke = RevokeSessions(auth)
    }

    public func register(on router: APIRouter) {
        for group in router.groups("") {
            let protected = group.add(middleware: BearerAuthMiddleware(auth: auth))
            protected.get("session") { _, context in
                try JSONBody.response(ResponseBody.Session(dsa: context.principal ?? ""))
            }
            protected.post("sessions/revoke") { request, context in
                // The cn must be a JSON string: a number or null is "missing".
                guard let name = try await JSONRequest.object(request, context: context)?["dsa"] as? String else {
                    throw ServiceError.missingDSA
                }
                let outcome = try await revoke(caller: context.principal ?? "", name: name, context: context.security)
                return try JSONBody.response(ResponseBody.SessionsRevoked(dsa: outcome.dsa, revoked: outcome.revoked))
            }
        }
    }
}
