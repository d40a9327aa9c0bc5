@testable import Bootstrap
import HTTPAdapter
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// ORCHESTRATOR_BASE_PATH: the API under any Apache alias, besides `/api` and `/orchestrator/api`.
    @Suite struct BasePathTests {
        let services = TestServices.shared

        @Test func everyAPIRouteIsServedUnderTheConfiguredAliasesToo() async throws {
            let settings = try services.settings(["ORCHESTRATOR_BASE_PATH": "/fd/orchestrator, /tools/fdo/api/"])
            #expect(settings.apiPrefixes.paths == ["/api", "/orchestrator/api", "/fd/orchestrator/api", "/tools/fdo/api"])
            let app = try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), logger: Logger(label: "base-path"))
            try await app.test(.router) { client in
                let login = try await client.json(.post, "/fd/orchestrator/api/login", body: ["username": "orchestrator", "password": "orchestrator-pass"])
                #expect(login.status == .ok)
                let access = try #require(login["access_token"])
                for prefix in settings.apiPrefixes.paths {
                    #expect(try await client.json(.get, "\(prefix)/session", bearer: access).status == .ok, "\(prefix)")
                    #expect(try await client.json(.get, "\(prefix)/tasks/mail/welcome-mail", bearer: access).status == .ok, "\(prefix)")
                    let wrong = try await client.json(.delete, "\(prefix)/tasks", bearer: access)
                    #expect(wrong.status == .methodNotAllowed && wrong.headers[.allow] == "GET", "\(prefix)")
                    #expect(try await client.json(.get, "\(prefix)/openapi.json").status == .ok, "\(prefix)")
                }
                #expect(try await client.json(.get, "/fd/api/session", bearer: access).status == .notFound)
                #expect(try await client.json(.get, "/fd/orchestrator/session", bearer: access).status == .notFound)
            }
        }

        @Test(arguments: ["fd/orchestrator", "/fd/:kind", "/fd/*", "/fd/../api", "/fd//x", "/fd/{x}", "/"])
        func aBasePathThatIsNotAPlainPathStopsTheStart(path: String) throws {
            #expect { try services.settings(["ORCHESTRATOR_BASE_PATH": "/ok, \(path)"]) } throws: { error in
                (error as? ConfigurationError)?.key == "ORCHESTRATOR_BASE_PATH"
            }
        }
    }
}
