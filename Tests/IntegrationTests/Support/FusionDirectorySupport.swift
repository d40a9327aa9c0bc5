@testable import FusionDirectoryRESTAdapter
import Foundation

/// One request the FD REST stand-in received (harness/fdrest/fd_rest_standin.py, calls file).
struct FDCall: Sendable {
    let method: String
    /// As received, still percent-encoded.
    let path: String
    /// The decoded DN of an object call.
    let dn: String?
    /// The body, re-encoded as compact JSON with sorted keys (`[]`, `{"tasks":…}`).
    let body: String
    /// 12 hex digits naming the session token sent, nil without one.
    let session: String?
    /// nil for a request the stand-in left hanging.
    let status: Int?

    var isLogin: Bool { path.hasSuffix("/login") }
}

extension TestServices {
    var fdURL: String { get throws { try require("ORCH_TEST_FD_URL", for: "the FD REST stand-in") } }
    var fdTLSURL: String { get throws { try require("ORCH_TEST_FD_TLS_URL", for: "the FD REST stand-in") } }
    var fdCA: String { get throws { try require("ORCH_TEST_FD_CA", for: "the FD REST stand-in") } }
    var fdLogin: String { get throws { try require("ORCH_TEST_FD_LOGIN", for: "the FD REST stand-in") } }
    var fdPassword: String { get throws { try require("ORCH_TEST_FD_PASSWORD", for: "the FD REST stand-in") } }

    /// The stand-in's mode, re-read on every request: `ok`, `fail500`, `fail401`, `hang`, `unexpected200`.
    func setFDMode(_ mode: String) throws {
        let directory = try require("ORCH_TEST_FD_CONTROL", for: "the FD REST stand-in")
        try mode.write(toFile: "\(directory)/mode", atomically: true, encoding: .utf8)
    }

    /// Ends every open FD session, as an expired PHP session would: their tokens get 401.
    func expireFDSessions() throws {
        let directory = try require("ORCH_TEST_FD_CONTROL", for: "the FD REST stand-in")
        try UUID().uuidString.write(toFile: "\(directory)/revoke", atomically: true, encoding: .utf8)
    }

    /// What `scripts/services clear-fd` does (mode ok, no call recorded), without a process, so it
    /// also works against the docker-compose stack.
    func clearFD() throws {
        try setFDMode("ok")
        try Data().write(to: URL(fileURLWithPath: try require("ORCH_TEST_FD_CALLS", for: "the FD REST stand-in")))
    }

    /// Every call recorded since the last `clearFD()`, oldest first.
    func fdCalls() throws -> [FDCall] {
        let text = try String(contentsOfFile: try require("ORCH_TEST_FD_CALLS", for: "the FD REST stand-in"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw MissingService(description: "calls file: not a JSON object: \(line)")
            }
            let body = object["body"].flatMap { $0 is NSNull ? nil : $0 }.map { value -> String in
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
                return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            } ?? ""
            return FDCall(
                method: object["method"] as? String ?? "", path: object["path"] as? String ?? "", dn: object["dn"] as? String,
                body: body, session: object["session"] as? String, status: object["status"] as? Int
            )
        }
    }

    func fdSettings(
        url: String? = nil, password: String? = nil, timeout: Duration = .seconds(5), caFile: String? = nil
    ) throws -> FusionDirectoryRESTSettings {
        FusionDirectoryRESTSettings(
            baseURL: try url ?? fdURL, login: try fdLogin, password: try password ?? fdPassword, timeout: timeout, caFile: caFile
        )
    }

    /// An adapter on the stand-in, shut down after `body` whatever it does.
    func withFD<T>(
        _ settings: FusionDirectoryRESTSettings? = nil, _ body: (AsyncHTTPFusionDirectoryAPI) async throws -> T
    ) async throws -> T {
        let api = AsyncHTTPFusionDirectoryAPI(settings: try settings ?? fdSettings())
        do {
            let result = try await body(api)
            await api.shutdown()
            return result
        } catch {
            await api.shutdown()
            throw error
        }
    }
}
