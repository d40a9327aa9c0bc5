import Application
import Hummingbird

/// `POST /api/login`, `/api/refresh`, `/api/logout` with the PHP orchestrator's bodies, plus
/// `GET /api/session` (who the bearer is), the smallest protected route.
public struct AuthRoutes: Sendable {
    private let login: LogIn
    private let refresh: RefreshSession
    private let logout: LogOut

    public init(auth: AuthDependencies) {
        login = LogIn(auth)
        refresh = RefreshSession(auth)
        logout = LogOut(auth)
    }

    public func register(on router: APIRouter) {
        router.api("/login", .post) { request, context in
            let body = try await JSONRequest.object(request, context: context)
            // Fields must be JSON strings: a number or null is "missing" (PHP bug §10 #15 gave a 500).
            guard let username = body?["username"] as? String, let password = body?["password"] as? String else {
                throw ServiceError.missingCredentials
            }
            let pair = try await login(username: username, password: password, context: context.security)
            return try Self.tokens(pair)
        }
        router.api("/refresh", .post) { request, context in
            guard let token = try await JSONRequest.object(request, context: context)?["token"] as? String else {
                throw ServiceError.missingToken
            }
            return try Self.tokens(try await refresh(refreshToken: token, context: context.security))
        }
        router.api("/logout", .post) { request, context in
            guard let token = try await JSONRequest.object(request, context: context)?["token"] as? String else {
                throw ServiceError.missingToken
            }
            // `message` stays the PHP orchestrator's on success; `revoked` says whether anything was.
            switch try await logout(refreshToken: token, context: context.security) {
            case .revoked:
                return try JSONBody.response(ResponseBody.LoggedOut(message: "logged out", revoked: true))
            case .nothingRevoked:
                return try JSONBody.response(ResponseBody.LoggedOut(message: "nothing to revoke: the token is unknown, expired or already revoked", revoked: false))
            }
        }
    }

    static func tokens(_ pair: TokenPair) throws -> Response {
        try JSONBody.response(ResponseBody.Tokens(pair))
    }
}

extension AppRequestContext {
    var security: SecurityContext { SecurityContext(requestID: requestID, clientIP: clientAddress) }
}
