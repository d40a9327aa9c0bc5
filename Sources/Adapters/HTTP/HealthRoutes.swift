import Application
import Hummingbird

/// `/health` (the process answers) and `/ready` (the directory answers too, and what the
/// scheduler does when one is configured).
public struct HealthRoutes: Sendable {
    private let readiness: CheckReadiness
    private let scheduler: Scheduler?

    public init(readiness: CheckReadiness, scheduler: Scheduler? = nil) {
        self.readiness = readiness
        self.scheduler = scheduler
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            try JSONBody.response(ResponseBody.Health(status: "ok"))
        }
        router.get("/ready") { _, _ in
            let report = await readiness()
            return try RunJSON.response(ResponseBody.Readiness(report, scheduler: scheduler?.status), status: report.isReady ? .ok : .serviceUnavailable)
        }
    }
}
