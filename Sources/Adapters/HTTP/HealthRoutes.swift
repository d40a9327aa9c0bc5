import Application
import Hummingbird

/// `/health` (the process answers) and `/ready` (the directory answers too).
public struct HealthRoutes: Sendable {
    private let readiness: CheckReadiness

    public init(readiness: CheckReadiness) {
        self.readiness = readiness
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            try JSONBody.response(ResponseBody.Health(status: "ok"))
        }
        router.get("/ready") { _, _ in
            let report = await readiness()
            return try JSONBody.response(ResponseBody.Readiness(report), status: report.isReady ? .ok : .serviceUnavailable)
        }
    }
}
