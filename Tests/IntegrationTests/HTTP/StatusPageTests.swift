@testable import Bootstrap
import Application
import Foundation
import HTTPAdapter
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// `/ui`: the status page's login, session cookie, form tokens and escaping, through the router
    /// (scripts/ui-check drives the same page in headless Chromium).
    @Suite struct StatusPageTests {
        let services = TestServices.shared

        struct Page: Sendable {
            let status: HTTPResponse.Status
            let headers: HTTPFields
            let body: String

            var location: String? { headers[.location] }
            var cookies: [String] { headers[values: .setCookie] }
            var errorCode: String? {
                ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]).flatMap { ($0["error"] as? [String: Any])?["code"] as? String }
            }

            /// The value of the first hidden `form_token` field.
            var formToken: String? {
                guard let range = body.range(of: #"name="form_token" value=""#) else { return nil }
                return String(body[range.upperBound...].prefix { $0 != "\"" })
            }
        }

        /// A session cookie header from the Set-Cookie lines of a login.
        static func cookieHeader(_ page: Page) -> String {
            page.cookies.compactMap { $0.split(separator: ";").first.map(String.init) }.joined(separator: "; ")
        }

        static func form(_ fields: [(String, String)]) -> ByteBuffer {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
        }

        func withPage(store: Composition.Store? = nil, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let app = try await Composition.makeApplication(settings: try services.settings(), store: store ?? (try services.embeddedStore()), logger: Logger(label: "status-page"))
            try await app.test(.router) { client in try await body(client) }
        }

        static func get(_ client: some TestClientProtocol, _ uri: String, cookie: String? = nil) async throws -> Page {
            var headers: HTTPFields = [:]
            if let cookie { headers[.cookie] = cookie }
            return try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
        }

        static func post(
            _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], cookie: String? = nil, origin: String? = nil,
            contentType: String = "application/x-www-form-urlencoded"
        ) async throws -> Page {
            var headers: HTTPFields = [.contentType: contentType]
            if let cookie { headers[.cookie] = cookie }
            if let origin { headers[.origin] = origin }
            return try await client.execute(uri: uri, method: .post, headers: headers, body: form(fields)) { Page(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
        }

        static func signIn(_ client: some TestClientProtocol, base: String = "/ui") async throws -> (cookie: String, token: String) {
            let login = try await post(client, base + "/login", [("username", "orchestrator"), ("password", "orchestrator-pass")])
            #expect(login.status == .seeOther && login.location == base)
            let cookie = cookieHeader(login)
            let page = try await get(client, base, cookie: cookie)
            #expect(page.status == .ok)
            return (cookie, try #require(page.formToken))
        }

        @Test func anAnonymousVisitIsSentToTheLoginFormBesideEveryAPIPrefix() async throws {
            try await withPage { client in
                for base in ["/ui", "/orchestrator/ui"] {
                    let page = try await Self.get(client, base)
                    #expect(page.status == .seeOther && page.location == base + "/login", "\(base)")
                    let form = try await Self.get(client, base + "/login")
                    #expect(form.status == .ok && form.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(form.body.contains(#"action="\#(base)/login""#))
                    #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                    #expect(!form.body.contains("<script"))
                }
            }
        }

        @Test func signingInSetsAStrictHttpOnlySessionScopedToThePage() async throws {
            try await withPage { client in
                let login = try await Self.post(client, "/orchestrator/ui/login", [("username", "orchestrator"), ("password", "orchestrator-pass")])
                #expect(login.status == .seeOther && login.location == "/orchestrator/ui")
                #expect(login.cookies.count == 2)
                for cookie in login.cookies {
                    #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/orchestrator/ui"), "\(cookie)")
                    #expect(!cookie.contains("Secure"), "plain HTTP here: a Secure cookie would never come back")
                }
                let page = try await Self.get(client, "/orchestrator/ui", cookie: Self.cookieHeader(login))
                #expect(page.status == .ok)
                #expect(page.body.contains("cn=orchestrator,ou=dsa,dc=example,dc=org"))
                #expect(page.body.contains(#"<h3 id="runs-mail">mail</h3>"#) && page.body.contains("<svg"))
                #expect(page.formToken?.count == 64)
            }
        }

        @Test func aWrongPasswordShowsTheFormAgainWith401AndNoCookie() async throws {
            try await withPage { client in
                let page = try await Self.post(client, "/ui/login", [("username", "orchestrator"), ("password", "wrong")])
                #expect(page.status == .unauthorized && page.cookies.isEmpty)
                #expect(page.body.contains(#"id="problem""#) && page.body.contains(#"value="orchestrator""#))
            }
        }

        @Test func aFormWithoutTheSessionsTokenOrFromAnotherSiteIsRefused() async throws {
            try await withPage { client in
                let (cookie, token) = try await Self.signIn(client)
                let subTask = ("subtask", "cn=nothing,ou=tasks,dc=example,dc=org")
                let missing = try await Self.post(client, "/ui/redrive", [("operation", "mail"), subTask], cookie: cookie)
                #expect(missing.status == .forbidden && missing.errorCode == "ui.form_token")
                let wrong = try await Self.post(client, "/ui/redrive", [("form_token", String(token.reversed())), ("operation", "mail"), subTask], cookie: cookie)
                #expect(wrong.status == .forbidden && wrong.errorCode == "ui.form_token")
                let foreign = try await Self.post(client, "/ui/redrive", [("form_token", token), ("operation", "mail"), subTask], cookie: cookie, origin: "https://evil.example")
                #expect(foreign.status == .forbidden && foreign.errorCode == "ui.cross_origin")
                let opaque = try await Self.post(client, "/ui/redrive", [("form_token", token), ("operation", "mail"), subTask], cookie: cookie, origin: "null")
                #expect(opaque.status == .forbidden && opaque.errorCode == "ui.cross_origin")
                let json = try await Self.post(client, "/ui/redrive", [("form_token", token)], cookie: cookie, contentType: "application/json")
                #expect(json.status == .badRequest && json.errorCode == "ui.invalid_form")
                // With its token the form goes through; the sub-task does not exist, which the page then says.
                let done = try await Self.post(client, "/ui/redrive", [("form_token", token), ("operation", "mail"), subTask], cookie: cookie)
                #expect(done.status == .seeOther && done.location == "/ui?failed=run.subtask_not_found#dead")
                let shown = try await Self.get(client, "/ui?failed=run.subtask_not_found", cookie: cookie)
                #expect(shown.body.contains("That sub-task is gone from the directory."))
                // A code of another shape is never echoed.
                let odd = try await Self.get(client, "/ui?failed=%3Cb%3Ehi", cookie: cookie)
                #expect(odd.body.contains("The action failed.") && !odd.body.contains("<b>hi"))
            }
        }

        @Test func directoryTextIsShownEscapedAndAnUnknownItemIsSettledFromThePage() async throws {
            let store = try services.embeddedStore()
            try await withPage(store: store) { client in
                // The state store is migrated once the application was made.
                let now = Date()
                let key = WorkKey(operation: .kind(.mail), subTaskDN: "cn=x,ou=tasks,dc=example,dc=org", target: "<img src=x onerror=alert(1)>@example.org")
                _ = try await store.work.claim([key], owner: "run-x", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now)
                _ = try await store.work.begin(key, owner: "run-x", now: now)
                try await store.work.record(key, .unknown("no reply <after> the data"), owner: "run-x", now: now)

                let (cookie, token) = try await Self.signIn(client)
                let page = try await Self.get(client, "/ui", cookie: cookie)
                #expect(page.body.contains("&lt;img src=x onerror=alert(1)&gt;@example.org"))
                #expect(!page.body.contains("<img src=x"))
                #expect(page.body.contains("no reply &lt;after&gt; the data"))
                #expect(page.body.contains("Outcome unknown (1)"))

                let settled = try await Self.post(
                    client, "/ui/settle",
                    [("form_token", token), ("operation", "mail"), ("subtask", key.subTaskDN), ("target", key.target), ("resolution", "applied")], cookie: cookie
                )
                #expect(settled.status == .seeOther && settled.location == "/ui?done=settled-applied#unknown")
                let after = try await Self.get(client, "/ui?done=settled-applied", cookie: cookie)
                #expect(after.body.contains("Settled: the item is recorded as applied.") && after.body.contains("Outcome unknown (0)"))
                #expect(try await store.work.records(forSubTasks: [key.subTaskDN], operation: .kind(.mail)).first?.state == .applied)
                // Twice is refused, and the page says why.
                let again = try await Self.post(
                    client, "/ui/settle",
                    [("form_token", token), ("operation", "mail"), ("subtask", key.subTaskDN), ("target", key.target), ("resolution", "applied")], cookie: cookie
                )
                #expect(again.location == "/ui?failed=run.item_not_unknown#unknown")
            }
        }

        @Test func loggingOutEndsTheSessionAndAStaleCookieIsSentToSignIn() async throws {
            try await withPage { client in
                let (cookie, token) = try await Self.signIn(client)
                let out = try await Self.post(client, "/ui/logout", [("form_token", token)], cookie: cookie)
                #expect(out.status == .seeOther && out.location == "/ui/login")
                #expect(out.cookies.count == 2 && out.cookies.allSatisfy { $0.contains("Max-Age=0") })
                // The old cookie's session was revoked with its refresh token.
                let stale = try await Self.get(client, "/ui", cookie: cookie)
                #expect(stale.status == .seeOther && stale.location == "/ui/login?ended=1")
                let form = try await Self.get(client, "/ui/login?ended=1")
                #expect(form.body.contains("Your session ended"))
                let forged = try await Self.get(client, "/ui", cookie: "orchestrator_session=not.a.token")
                #expect(forged.location == "/ui/login?ended=1")
                // A form posted with an ended session goes to the login form too, and does nothing.
                let late = try await Self.post(client, "/ui/redrive", [("form_token", token), ("operation", "mail"), ("subtask", "cn=x")], cookie: cookie)
                #expect(late.status == .seeOther && late.location == "/ui/login?ended=1")
            }
        }
    }
}
