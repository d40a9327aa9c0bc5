import HummingbirdCore
import Logging
import NIOCore

/// What a client may make the server wait for (issue 9: 500 half-open connections kept a
/// 256-descriptor process from answering `/health`).
///
/// - `headerTimeout`: a request's head must arrive within this, counted from the connection's
///   start or from the first byte of a later request on a kept-alive connection (slowloris).
/// - `idleTimeout`: a kept-alive connection with no request in flight is closed after this.
/// - `maxConnections`: connections open at once; further ones wait in the kernel's accept
///   backlog (not refused) until one closes, so the timeouts above bound how long they wait.
public struct HTTPConnectionLimits: Sendable {
    public var headerTimeout: Duration
    public var idleTimeout: Duration
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60), maxConnections: Int = 1024) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The server's accept policy: past `maxConnections`, the listening socket stops accepting.
    public func availableConnections(logger: Logger) -> MaximumAvailableConnections {
        .maximum(maxConnections, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1.1 channel with an idle timeout, a deadline on request heads and a
    /// JSON 400 for requests the parser rejects (oversized headers among them).
    public static func guardedHTTP1(_ limits: HTTPConnectionLimits) -> HTTPServerBuilder {
        .init { responder in
            GuardedHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: TimeAmount(limits.idleTimeout))),
                headerTimeout: TimeAmount(limits.headerTimeout)
            )
        }
    }
}

/// `HTTP1Channel` with `RequestHeadDeadline` in front of the HTTP decoder (it must see raw bytes)
/// and `RequestBoundaries` behind it (it must see decoded heads and response ends).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let headerTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeout = headerTimeout
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(timeout: timeout, logger: logger), position: .first)
        }
        .flatMap { _ in inner.setup(channel: channel, logger: logger) }
        .flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let deadline = try pipeline.handler(type: RequestHeadDeadline.self)
            let connectionState = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(RequestBoundaries(deadline: deadline, logger: logger), position: .before(connectionState))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
