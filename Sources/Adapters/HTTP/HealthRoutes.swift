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
            JSONBody.response(["status": "ok"])
        }
        router.get("/ready") { _, context in
            let report = await readiness()
            let checks: [[String: Any]] = report.checks.map { check in
                var item: [String: Any] = ["name": check.name, "ok": check.ok]
                if let code = check.code { item["code"] = code }
                if let detail = check.detail { item["message"] = detail }
                return item
            }
            if report.isReady {
                return JSONBody.response(["status": "ready", "checks": checks])
            }
            let failing = report.checks.first { !$0.ok }
            return JSONBody.response(
                [
                    "status": "unavailable",
                    "checks": checks,
                    "error": ["code": failing?.code ?? "unavailable", "message": failing?.detail ?? "not ready"],
                ],
                status: .serviceUnavailable, requestID: context.requestID
            )
        }
    }
}
