import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A decoded response: status, headers and the JSON object body (if any).
struct JSONResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [String: any Sendable]

    var message: String? { body["message"] as? String }
    var errorCode: String? { (body["error"] as? [String: any Sendable])?["code"] as? String }
    subscript(key: String) -> String? { body[key] as? String }
}

extension TestClientProtocol {
    func json(_ method: HTTPRequest.Method, _ uri: String, body: Any? = nil, rawBody: String? = nil, bearer: String? = nil, authorization: String? = nil, headers extra: HTTPFields = [:]) async throws -> JSONResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let authorization { headers[.authorization] = authorization }
        var buffer: ByteBuffer?
        if let body { buffer = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)) }
        if let rawBody { buffer = ByteBuffer(string: rawBody) }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return JSONResponse(status: response.status, headers: response.headers, body: object.mapValues { SendableJSON.wrap($0) })
        }
    }

    func login(_ username: String, _ password: String, forwardedFor: String? = nil) async throws -> JSONResponse {
        try await json(.post, "/api/login", body: ["username": username, "password": password], headers: forwardedFor.map { [HTTPField.Name("X-Forwarded-For")!: $0] } ?? [:])
    }
}

/// JSONSerialization values as Sendable values.
enum SendableJSON {
    static func wrap(_ value: Any) -> any Sendable {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.doubleValue
        case let object as [String: Any]: object.mapValues(wrap)
        case let array as [Any]: array.map(wrap)
        default: "\(value)"
        }
    }
}
