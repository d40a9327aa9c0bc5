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
        }
        rejectMethods(on: path, allowing: [method])
    }

    /// A 405 with `Allow` for the methods `path` (under every API prefix) does not serve, before
    /// any authentication, as the PHP service answered: a client learns the method is wrong, not
    /// that the resource is missing.
    func rejectMethods(on path: String, allowing allowed: [HTTPRequest.Method]) {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for prefix in Self.apiPrefixes {
            for other in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !allowed.contains(other) {
                on(RouterPath(prefix + path), method: other) { _, _ -> Response in
                    throw HTTPRouteError.methodNotAllowed(allow: allow)
                }
            }
        }
    }
}
