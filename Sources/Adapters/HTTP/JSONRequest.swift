import Foundation
import Hummingbird

/// Reads a small JSON object body; nil when the body is not a JSON object.
enum JSONRequest {
    static func object(_ request: Request, context: AppRequestContext) async throws -> [String: Any]? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any]
    }
}

extension Router where Context == AppRequestContext {
    /// The PHP orchestrator is deployed under `/orchestrator/`; clients use both forms.
    static var apiPrefixes: [String] { ["/api", "/orchestrator/api"] }

    /// Registers `handler` for `method` on `path` under every API prefix, and a 405 with
    /// `Allow` for the other methods.
    func api(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping @Sendable (Request, Context) async throws -> Response) {
        for prefix in Self.apiPrefixes {
            on(RouterPath(prefix + path), method: method, use: handler)
            for other in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where other != method {
                on(RouterPath(prefix + path), method: other) { _, _ -> Response in
                    throw HTTPRouteError.methodNotAllowed(allow: method.rawValue)
                }
            }
        }
    }
}
