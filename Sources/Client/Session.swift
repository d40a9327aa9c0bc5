import Foundation
import NIOHTTP1

/// One login for the whole invocation, logged out at the end: the PHP client logged in at every
/// run and never logged out, leaving a refresh family behind each time.
final class Session {
    private let connection: ServerConnection
    private let user: String
    private let password: String
    private var accessToken: String?
    private var refreshToken: String?

    init(connection: ServerConnection, user: String, password: String) {
        self.connection = connection
        self.user = user
        self.password = password
    }

    func logIn() async throws {
        let answer = try await connection.send(.POST, "/login", json: ["username": user, "password": password])
        guard answer.status == 200 else {
            let (code, message) = answer.error
            switch answer.status {
            case 400, 401, 403:
                throw ClientFailure(status: .authRefused, code: code ?? "auth.invalid_credentials",
                                    message: "the server refused the login of \(user): \(message ?? "HTTP \(answer.status)")")
            case 429:
                throw ClientFailure(status: .authRefused, code: code ?? "auth.throttled",
                                    message: "the server throttles the logins of \(user) after failures: \(message ?? "HTTP 429"); try again later")
            default:
                throw Self.failure(answer, doing: "POST /api/login")
            }
        }
        try take(answer, doing: "POST /api/login")
    }

    /// A call with the access token; a 401 (the token expired during a long invocation) refreshes
    /// the session once and repeats the call, which the server refused before doing anything.
    func call(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: [String: String]? = nil) async throws -> Answer {
        var refreshed = false
        while true {
            let answer = try await connection.send(method, path, query: query, json: json, bearer: accessToken)
            if answer.status == 401, !refreshed, let refreshToken {
                refreshed = true
                let renewed = try await connection.send(.POST, "/refresh", json: ["token": refreshToken])
                guard renewed.status == 200 else {
                    self.refreshToken = nil
                    throw ClientFailure(status: .authRefused, code: renewed.error.code ?? "auth.invalid_token",
                                        message: "the server ended the session and refused to renew it: \(renewed.error.message ?? "HTTP \(renewed.status)")")
                }
                try take(renewed, doing: "POST /api/refresh")
                continue
            }
            if answer.status == 401 || answer.status == 403 {
                throw ClientFailure(status: .authRefused, code: answer.error.code ?? "auth.refused",
                                    message: "the server refused the session for \(method.rawValue) /api\(path): \(answer.error.message ?? "HTTP \(answer.status)")")
            }
            return answer
        }
    }

    /// Revokes the session's refresh family; a problem is returned as a warning, never thrown:
    /// the operations' statuses stand.
    func logOut() async -> String? {
        guard let refreshToken else { return nil }
        self.refreshToken = nil
        accessToken = nil
        do {
            let answer = try await connection.send(.POST, "/logout", json: ["token": refreshToken])
            guard answer.status == 200 else { return "logout: HTTP \(answer.status) \(answer.error.message ?? "")" }
            return nil
        } catch {
            return "logout: \(error)"
        }
    }

    private func take(_ answer: Answer, doing what: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any],
              let access = object["access_token"] as? String, let refresh = object["refresh_token"] as? String else {
            throw ClientFailure(status: .serverError, code: "client.unexpected_answer", message: "\(what): the answer holds no token pair")
        }
        accessToken = access
        refreshToken = refresh
    }

    /// What a non-2xx answer means for the invocation (see `ExitStatus`).
    static func failure(_ answer: Answer, doing what: String) -> ClientFailure {
        let (code, message) = answer.error
        let said = message.map { ": \($0)" } ?? ""
        switch answer.status {
        case 300..<400:
            return ClientFailure(status: .usage, code: "client.redirected",
                                 message: "\(what) was redirected to \(answer.location ?? "another address"); set ORCHESTRATOR_API_URL to the final address")
        case 401, 403:
            return ClientFailure(status: .authRefused, code: code ?? "auth.refused", message: "\(what): refused\(said)")
        case 404 where code == "task.not_implemented":
            return ClientFailure(status: .usage, code: "task.not_implemented", message: "this server does not run that operation yet\(said)")
        case 404 where code == nil:
            return ClientFailure(status: .usage, code: "client.not_an_orchestrator",
                                 message: "\(what) answered 404 without the orchestrator's error body: is ORCHESTRATOR_API_URL the orchestrator's address?")
        case 400..<500:
            return ClientFailure(status: .usage, code: code ?? "http.\(answer.status)", message: "\(what): HTTP \(answer.status)\(said)")
        default:
            return ClientFailure(status: .serverError, code: code ?? "http.\(answer.status)", message: "\(what): HTTP \(answer.status)\(said)")
        }
    }
}
