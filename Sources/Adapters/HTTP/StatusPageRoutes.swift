import Application
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// `/ui`: a small server-rendered status page beside each API prefix (`/ui`, `/orchestrator/ui`,
/// `<base path>/ui`), behind the same DSA login as the API.
///
/// The session is the API's own access token in an HttpOnly, SameSite=Strict cookie scoped to the
/// page's path (the refresh token beside it only serves to log out); every form also carries a
/// token derived from that session (`FormTokens`), and a POST from another origin is refused. The
/// pages have no script, and a Content-Security-Policy that allows none.
public struct StatusPageRoutes: Sendable {
    static let sessionCookie = "orchestrator_session"
    static let refreshCookie = "orchestrator_refresh"

    private let overview: StatusOverview
    private let runs: RunTasks
    private let login: LogIn
    private let logout: LogOut
    private let authenticate: AuthenticateRequest
    private let forms: FormTokens

    public init(overview: StatusOverview, runs: RunTasks, auth: AuthDependencies) {
        self.overview = overview
        self.runs = runs
        login = LogIn(auth)
        logout = LogOut(auth)
        authenticate = AuthenticateRequest(auth)
        forms = FormTokens(auth)
    }

    /// The page's paths: each API prefix with its last `/api` replaced by `/ui`.
    static func bases(_ prefixes: APIPrefixes) -> [String] {
        var bases: [String] = []
        for prefix in prefixes.paths {
            let base = String(prefix.dropLast("/api".count)) + "/ui"
            if !bases.contains(base) { bases.append(base) }
        }
        return bases
    }

    public func register(on api: APIRouter) {
        for base in Self.bases(api.prefixes) {
            let router = api.router
            router.get(RouterPath(base)) { request, context in await page(request, context, base: base) }
            router.get(RouterPath(base + "/login")) { request, _ in
                Self.html(Self.render("login", LoginView(base: base, notice: request.uri.queryParameters.get("ended") != nil ? "Your session ended: sign in again." : nil)))
            }
            router.post(RouterPath(base + "/login")) { request, context in try await signIn(request, context, base: base) }
            router.post(RouterPath(base + "/logout")) { request, context in try await signOut(request, context, base: base) }
            router.post(RouterPath(base + "/settle")) { request, context in try await settle(request, context, base: base) }
            router.post(RouterPath(base + "/redrive")) { request, context in try await redrive(request, context, base: base) }
        }
    }

    // MARK: Pages

    private func page(_ request: Request, _ context: AppRequestContext, base: String) async -> Response {
        guard let session = request.cookies[Self.sessionCookie]?.value else { return Self.redirect(to: base + "/login") }
        let claims: AccessTokenClaims
        do {
            claims = try await authenticate(authorization: "Bearer " + session, context: context.security)
        } catch {
            if error.kind == .unauthenticated { return Self.redirect(to: base + "/login?ended=1", clearingUnder: base) }
            return Self.problem(error, base: base)
        }
        do {
            let snapshot = try await overview()
            let outcome = request.uri.queryParameters.get("done").flatMap(ActionOutcome.init(rawValue:))
            let failure = request.uri.queryParameters.get("failed")
            let view = StatusPageView(
                snapshot, base: base, dsa: claims.subject, formToken: forms.token(forSession: session),
                notice: outcome?.message, problem: failure.map(Self.failureMessage)
            )
            return Self.html(Self.render("page", view))
        } catch {
            context.logger.warning("status page unavailable", metadata: ["code": .string(error.code)])
            return Self.problem(error, base: base)
        }
    }

    private func signIn(_ request: Request, _ context: AppRequestContext, base: String) async throws -> Response {
        try Self.checkOrigin(request)
        let form = try await Self.form(request, context)
        let username = form["username"] ?? ""
        do {
            let pair = try await login(username: username, password: form["password"] ?? "", context: context.security)
            var response = Self.redirect(to: base)
            let secure = Self.isHTTPS(request)
            response.setCookie(Self.cookie(Self.sessionCookie, pair.accessToken, base: base, maxAge: pair.expiresIn, secure: secure))
            response.setCookie(Self.cookie(Self.refreshCookie, pair.refreshToken, base: base, maxAge: pair.expiresIn, secure: secure))
            return response
        } catch {
            let view = LoginView(base: base, username: username, problem: error.message)
            var response = Self.html(Self.render("login", view), status: JSONErrorMiddleware.status(for: error.kind))
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            return response
        }
    }

    private func signOut(_ request: Request, _ context: AppRequestContext, base: String) async throws -> Response {
        guard try await checkedForm(request, context) != nil else { return Self.redirect(to: base + "/login", clearingUnder: base) }
        if let refresh = request.cookies[Self.refreshCookie]?.value {
            _ = try? await logout(refreshToken: refresh, context: context.security)
        }
        return Self.redirect(to: base + "/login", clearingUnder: base)
    }

    private func settle(_ request: Request, _ context: AppRequestContext, base: String) async throws -> Response {
        guard let (form, dsa) = try await checkedForm(request, context) else { return Self.redirect(to: base + "/login?ended=1", clearingUnder: base) }
        do throws(ServiceError) {
            guard let operation = RunOperation(name: form["operation"] ?? ""), let subTask = form["subtask"], !subTask.isEmpty,
                  let target = form["target"], let resolution = (form["resolution"]).flatMap(WorkResolution.init(rawValue:)) else {
                throw ServiceError(.invalidInput, code: "run.invalid_resolution", message: "the form lacks the item or its resolution")
            }
            let key = WorkKey(operation: operation, subTaskDN: subTask, target: target)
            _ = try await runs.resolve(key, as: resolution, by: dsa)
            context.logger.notice("work item settled", metadata: [
                "operation": .string(operation.name), "subtask": .string(subTask), "resolution": .string(resolution.rawValue),
                "by": .string(dsa), "via": "ui",
            ])
            return Self.redirect(to: base + "?done=" + (resolution == .applied ? ActionOutcome.settledApplied : .settledRetry).rawValue + "#unknown")
        } catch {
            return Self.redirect(to: base + "?failed=" + error.code + "#unknown")
        }
    }

    private func redrive(_ request: Request, _ context: AppRequestContext, base: String) async throws -> Response {
        guard let (form, dsa) = try await checkedForm(request, context) else { return Self.redirect(to: base + "/login?ended=1", clearingUnder: base) }
        do throws(ServiceError) {
            guard let operation = RunOperation(name: form["operation"] ?? ""), let subTask = form["subtask"], !subTask.isEmpty else {
                throw ServiceError(.invalidInput, code: "run.invalid_redrive", message: "the form lacks the sub-task")
            }
            _ = try await runs.redrive(operation, subTask: subTask, by: dsa)
            context.logger.notice("sub-task re-driven", metadata: ["operation": .string(operation.name), "subtask": .string(subTask), "by": .string(dsa), "via": "ui"])
            return Self.redirect(to: base + "?done=" + ActionOutcome.redriven.rawValue + "#dead")
        } catch {
            return Self.redirect(to: base + "?failed=" + error.code + "#dead")
        }
    }

    /// A POST of the page: same origin, a live session, and the session's form token. Returns the
    /// fields and the DSA; nil when the session ended (the caller sends the browser to sign in).
    private func checkedForm(_ request: Request, _ context: AppRequestContext) async throws -> ([String: String], String)? {
        try Self.checkOrigin(request)
        guard let session = request.cookies[Self.sessionCookie]?.value else { return nil }
        let claims: AccessTokenClaims
        do {
            claims = try await authenticate(authorization: "Bearer " + session, context: context.security)
        } catch where error.kind == .unauthenticated {
            return nil
        }
        let form = try await Self.form(request, context)
        try forms.check(form["form_token"], session: session)
        return (form, claims.subject)
    }

    // MARK: Outcomes shown after a redirect (codes in the URL, texts from here only)

    enum ActionOutcome: String {
        case settledApplied = "settled-applied", settledRetry = "settled-retry", redriven

        var message: String {
            switch self {
            case .settledApplied: "Settled: the item is recorded as applied."
            case .settledRetry: "Settled: the next run applies the item again."
            case .redriven: "Re-driven: the sub-task is scheduled again; the next run applies it."
            }
        }
    }

    /// Only a code travels in the URL; a code of another shape is not echoed.
    static func failureMessage(_ code: String) -> String {
        let known: [String: String] = [
            "run.item_not_unknown": "That item cannot be settled any more (settled already, or its run is still live).",
            "run.subtask_not_failed": "That sub-task is not failed any more (re-driven already, or renewed in FusionDirectory).",
            "run.subtask_not_found": "That sub-task is gone from the directory.",
        ]
        if let message = known[code] { return message }
        let plain = code.count <= 64 && code.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "._".unicodeScalars.contains($0)) }
        return plain ? "The action failed (\(code))." : "The action failed."
    }

    // MARK: HTTP details

    static func form(_ request: Request, _ context: AppRequestContext) async throws -> [String: String] {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw ServiceError(.invalidInput, code: "ui.invalid_form", message: "expected a form (application/x-www-form-urlencoded)")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let fields = URLEncodedForm.fields(String(buffer: body)) else {
            throw ServiceError(.invalidInput, code: "ui.invalid_form", message: "the form is not valid URL encoding")
        }
        return fields
    }

    /// Browsers send Origin with every form POST; one that names another site is refused, and so
    /// is `null` (an opaque origin). The pages' Referrer-Policy is `same-origin`, since under
    /// `no-referrer` a browser sends `Origin: null` even for the page's own forms.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            throw ServiceError(.forbidden, code: "ui.cross_origin", message: "the form was posted from another site")
        }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        guard originAuthority.lowercased() == host.lowercased() else {
            throw ServiceError(.forbidden, code: "ui.cross_origin", message: "the form was posted from another site")
        }
    }

    static func isHTTPS(_ request: Request) -> Bool {
        request.head.scheme == "https" || request.headers[values: HTTPField.Name("X-Forwarded-Proto")!].first?.lowercased() == "https"
    }

    static func cookie(_ name: String, _ value: String, base: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: base, secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func redirect(to location: String, clearingUnder base: String? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        if let base {
            for name in [sessionCookie, refreshCookie] {
                response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: base, httpOnly: true, sameSite: .strict))
            }
        }
        return response
    }

    static func render(_ template: String, _ view: Any) -> String {
        StatusPageTemplates.library.render(view, withTemplate: template) ?? ""
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func problem(_ error: ServiceError, base: String) -> Response {
        var response = html(render("problem", ProblemView(base: base, code: error.code, message: error.message)), status: JSONErrorMiddleware.status(for: error.kind))
        if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        return response
    }
}

struct LoginView {
    let title = "Sign in"
    let base: String
    let username: String
    let notice: String
    let hasNotice: Bool
    let problem: String
    let hasProblem: Bool

    init(base: String, username: String = "", notice: String? = nil, problem: String? = nil) {
        self.base = base
        self.username = username
        self.notice = notice ?? ""
        hasNotice = notice != nil
        self.problem = problem ?? ""
        hasProblem = problem != nil
    }
}

struct ProblemView {
    let title = "Unavailable"
    let base: String
    let code: String
    let message: String
}
