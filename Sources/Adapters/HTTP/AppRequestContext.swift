import Hummingbird
import Logging

/// Per-request state shared by middleware and handlers.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestIDMiddleware`; echoed in the `X-Request-Id` response header and in every log line.
    public var requestID: String = ""
    /// The authenticated principal, once an authenticator accepted the request.
    public var principal: String?

    /// The client's IP address: the peer as the socket saw it ("unknown" in router-only tests),
    /// or what a trusted proxy forwarded (`ClientAddressMiddleware`).
    public var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Request bodies of this service are small JSON documents.
    public var maxUploadSize: Int { 64 * 1024 }
}
