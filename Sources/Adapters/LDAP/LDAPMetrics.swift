import CoreMetrics

/// How long LDAP operations take, recorded on swift-metrics' API directly: it is a facade like
/// swift-log, so the service's backend (Prometheus) gets them and tests, which bootstrap none,
/// record into swift-metrics' no-op and stay hermetic — without a port threaded through every
/// LDAP adapter for a figure no use case reads.
enum LDAPMetrics {
    static func record(_ operation: String, since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        CoreMetrics.Timer(label: "orchestrator_ldap_operation_duration_seconds", dimensions: [("operation", operation)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
