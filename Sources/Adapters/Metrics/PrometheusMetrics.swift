import CoreMetrics
import Prometheus

/// The process's Prometheus registry and the swift-metrics factory that fills it. `bootstrap()`
/// makes it swift-metrics' backend, which a process may do once: only `serve` does; tests and
/// one-shot commands keep swift-metrics' no-op default and a registry nobody writes to.
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Runs take from milliseconds (nothing due) to an hour (an audit pass over millions of events).
        factory.durationHistogramBuckets["orchestrator_run_duration_seconds"] = [
            .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        ]
        factory.nameAndLabelSanitizer = Self.renamed
        self.factory = factory
    }

    /// Makes this the process's swift-metrics backend: call once, before anything records.
    public func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }

    /// The registry in the Prometheus text format 0.0.4.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }

    public static let contentType = "text/plain; version=0.0.4"

    /// Hummingbird's `MetricsMiddleware` names its metrics after OpenTelemetry (`hb.requests`,
    /// `http.route`, …); they get this service's prefix and Prometheus' names here.
    @Sendable static func renamed(_ label: String, _ dimensions: [(String, String)]) -> (String, [(String, String)]) {
        let name: String
        switch label {
        case "hb.requests": name = "orchestrator_http_requests_total"
        case "hb.request.errors": name = "orchestrator_http_request_errors_total"
        case "http.server.request.duration": name = "orchestrator_http_request_duration_seconds"
        case "http.server.active_requests": name = "orchestrator_http_active_requests"
        default: return (label, dimensions)
        }
        return (name, dimensions.map { key, value in
            switch key {
            case "http.route": ("route", value)
            case "http.request.method": ("method", value)
            case "http.response.status_code", "error.type": ("status", value)
            default: (key, value)
            }
        })
    }
}
