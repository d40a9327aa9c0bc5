import HTTPTypes
import Hummingbird

/// Sets `clientAddress` from `X-Forwarded-For` when the peer is a trusted proxy (Apache in
/// front of the service, as PHP was deployed), so throttling counts clients, not the proxy.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    private let trusted: TrustedProxies

    public init(trusted: TrustedProxies) {
        self.trusted = trusted
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = trusted.clientAddress(peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
