import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (a sane client `X-Request-Id` is kept, anything else replaced),
/// puts it in the logger's metadata and the response, and writes one access-log line.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let supplied = request.headers[.requestID].flatMap { Self.isAcceptable($0) ? $0 : nil }
        let id = supplied ?? UUID().uuidString.lowercased()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = id
        let elapsed = ContinuousClock.now - started
        context.logger.info("request", metadata: [
            "http.method": .string(request.method.rawValue),
            "http.path": .string(request.uri.path),
            "http.status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
        ])
        return response
    }

    /// Up to 128 characters of `[A-Za-z0-9._-]`: anything else could forge log lines.
    static func isAcceptable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128
            && value.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == ".") }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}
