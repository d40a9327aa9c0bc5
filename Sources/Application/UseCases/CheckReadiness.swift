/// Readiness: the service can do useful work only when every dependency answers.
public struct CheckReadiness: Sendable {
    public struct Report: Sendable, Equatable {
        public struct Check: Sendable, Equatable {
            public let name: String
            public let ok: Bool
            /// Stable code of the failure, nil when ok.
            public let code: String?
            public let detail: String?
        }

        public let checks: [Check]
        public var isReady: Bool { checks.allSatisfy(\.ok) }
    }

    private let probes: [any HealthProbe]

    public init(probes: [any HealthProbe]) {
        self.probes = probes
    }

    /// Runs every probe concurrently, so one slow dependency costs its own timeout only once.
    public func callAsFunction() async -> Report {
        await withTaskGroup(of: (Int, Report.Check).self) { group in
            for (index, probe) in probes.enumerated() {
                group.addTask {
                    do {
                        try await probe.check()
                        return (index, .init(name: probe.component, ok: true, code: nil, detail: nil))
                    } catch let error as any CodedError {
                        return (index, .init(name: probe.component, ok: false, code: error.code, detail: error.message))
                    } catch {
                        return (index, .init(name: probe.component, ok: false, code: "\(probe.component).error", detail: "unexpected failure"))
                    }
                }
            }
            var checks: [(Int, Report.Check)] = []
            for await check in group { checks.append(check) }
            return Report(checks: checks.sorted { $0.0 < $1.0 }.map(\.1))
        }
    }
}
