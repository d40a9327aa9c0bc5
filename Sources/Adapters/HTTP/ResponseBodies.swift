import Application

/// The small bodies of the auth, session, health and error responses (schemas `Error`,
/// `TokenPair`, `LoggedOut`, `Session`, `Health`, `Ready`, `NotReady` of the OpenAPI document).
enum ResponseBody {
    /// `{"error":{"code","message"},"message"}`: `message` at the top level is what the PHP
    /// orchestrator answered and its client prints.
    struct Failure: Encodable {
        let message: String
        let error: Detail

        init(_ error: ServiceError) {
            message = error.message
            self.error = Detail(code: error.code, message: error.message)
        }
    }

    struct Detail: Encodable {
        let code: String
        let message: String
    }

    struct Tokens: Encodable {
        let accessToken: String
        let refreshToken: String
        let tokenType = "Bearer"
        let expiresIn: Int

        init(_ pair: TokenPair) {
            accessToken = pair.accessToken
            refreshToken = pair.refreshToken
            expiresIn = pair.expiresIn
        }

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", refreshToken = "refresh_token", tokenType = "token_type", expiresIn = "expires_in"
        }
    }

    struct Message: Encodable {
        let message: String
    }

    struct LoggedOut: Encodable {
        let message: String
        let revoked: Bool
    }

    struct Session: Encodable {
        let dsa: String
    }

    /// `POST /api/sessions/revoke`: the DSA's DN and how many of its sessions were live.
    struct SessionsRevoked: Encodable {
        let dsa: String
        let revoked: Int
    }

    struct Health: Encodable {
        let status: String
    }

    /// `/ready`: `error` (the first failing check) only when not ready; a check's `code` and
    /// `message` only when its probe reported them. Synthesized encoding leaves nil keys out.
    struct Readiness: Encodable {
        let status: String
        let checks: [Check]
        let error: Detail?
        let scheduler: [Scheduler.Status]?

        init(_ report: CheckReadiness.Report, scheduler: [Scheduler.Status]? = nil) {
            checks = report.checks.map { Check(name: $0.name, ok: $0.ok, code: $0.code, message: $0.detail) }
            self.scheduler = scheduler
            if report.isReady {
                status = "ready"
                error = nil
            } else {
                let failing = report.checks.first { !$0.ok }
                status = "unavailable"
                error = Detail(code: failing?.code ?? "unavailable", message: failing?.detail ?? "not ready")
            }
        }
    }

    struct Check: Encodable {
        let name: String
        let ok: Bool
        let code: String?
        let message: String?
    }
}
