import Hummingbird
import NIOCore

/// `GET /metrics` (no authentication, as Prometheus scrapes): the process's counters in the
/// Prometheus text format, as `render` gives them. Operational counts only — no name, DN or
/// address; METRICS_LISTEN on loopback or a private interface keeps it off the public listener.
public struct MetricsRoutes: Sendable {
    private let render: @Sendable () -> [UInt8]
    private let contentType: String

    public init(contentType: String, render: @escaping @Sendable () -> [UInt8]) {
        self.render = render
        self.contentType = contentType
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { [render, contentType] _, _ in
            Response(
                status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: render()))
            )
        }
    }
}
