@testable import Bootstrap
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension LiveServices {
    /// `/health` is the process; `/ready` is the process plus a directory that answers.
    @Suite struct ReadinessTests {
        let services = TestServices.shared

        func makeApp() async throws -> Composition.App {
            let settings = try services.settings()
            return try await Composition.makeApplication(settings: settings, store: try services.embeddedStore(), logger: Logger(label: "test"))
        }

        @Test func healthAndReadinessAnswerJSONWhenTheDirectoryIsUp() async throws {
            try await makeApp().test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
                }
                try await client.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(body?["status"] as? String == "ready")
                }
            }
        }

        @Test func readinessFollowsSlapdDownAndUpWithoutARestart() async throws {
            try await makeApp().test(.live) { client in
                try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }

                try services.runServices("stop-ldap")
                do {
                    let started = ContinuousClock.now
                    try await client.execute(uri: "/ready", method: .get) { response in
                        #expect(response.status == .serviceUnavailable)
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        let error = body?["error"] as? [String: Any]
                        #expect(error?["code"] as? String == "ldap.unavailable")
                    }
                    // LDAP_TIMEOUT is 2 s in these settings.
                    #expect(ContinuousClock.now - started < .seconds(3))
                    try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
                } catch {
                    try? services.runServices("start-ldap")
                    throw error
                }

                try services.runServices("start-ldap")
                try await client.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        }

        @Test func unknownRoutesAnswerAJSONError() async throws {
            try await makeApp().test(.router) { client in
                try await client.execute(uri: "/no/such/thing", method: .get) { response in
                    #expect(response.status == .notFound)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect((body?["error"] as? [String: Any])?["code"] as? String == "http.not_found")
                }
            }
        }
    }
}
