import Application
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The one place where errors become HTTP responses.
///
/// Every failure leaves as `{"error":{"code","message"}}` with the status its kind implies;
/// anything unexpected is logged with the request id and answered with a generic 500, never
/// with its internals (PHP bug §10 #6).
public struct JSONErrorMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServiceError {
            var response = Self.response(for: error)
            if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
            if error.kind == .unauthenticated {
                // RFC 6750 §3: tell the client which scheme, and whether its token was the problem.
                let tokenProblems = [ServiceError.invalidSignature, .tokenExpired, .malformedToken, .tokenRevoked].map(\.code)
                response.headers[.wwwAuthenticate] = tokenProblems.contains(error.code)
                    ? "Bearer realm=\"fusiondirectory-orchestrator\", error=\"invalid_token\""
                    : "Bearer realm=\"fusiondirectory-orchestrator\""
            }
            return response
        } catch HTTPRouteError.methodNotAllowed(let allow) {
            var response = Self.response(
                for: ServiceError(.methodNotAllowed, code: "http.method_not_allowed", message: "method not allowed; use \(allow)")
            )
            response.headers[.allow] = allow
            return response
        } catch let error as any HTTPResponseError {
            let serviceError = Self.serviceError(forStatus: error.status)
            var response = Self.response(for: serviceError, status: error.status)
            if let headers = (error as? HTTPError)?.headers {
                for field in headers where field.name != .contentType && field.name != .contentLength {
                    response.headers.append(field)
                }
            }
            return response
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            return Self.response(
                for: ServiceError(.internalFailure, code: "internal", message: "internal error; see the service log for request \(context.requestID)")
            )
        }
    }

    static func serviceError(forStatus status: HTTPResponse.Status) -> ServiceError {
        switch status.code {
        case 400: ServiceError(.invalidInput, code: "http.bad_request", message: "malformed request")
        case 401: ServiceError(.unauthenticated, code: "auth.required", message: "authentication required")
        case 404: ServiceError(.notFound, code: "http.not_found", message: "no such resource")
        case 405: ServiceError(.methodNotAllowed, code: "http.method_not_allowed", message: "method not allowed")
        case 413: ServiceError(.invalidInput, code: "http.body_too_large", message: "request body too large")
        default: ServiceError(.internalFailure, code: "http.\(status.code)", message: status.reasonPhrase)
        }
    }

    public static func status(for kind: ServiceError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internalFailure: .internalServerError
        }
    }

    public static func response(for error: ServiceError, status: HTTPResponse.Status? = nil) -> Response {
        let status = status ?? Self.status(for: error.kind)
        do {
            return try JSONBody.response(ResponseBody.Failure(error), status: status)
        } catch {
            // Strings always encode; were it to fail, the status still tells and the body stays an Error.
            return JSONBody.response(data: Data(#"{"error":{"code":"internal","message":"internal error"},"message":"internal error"}"#.utf8), status: status)
        }
    }
}

/// JSON bodies: compact UTF-8 with `application/json`, keys sorted so their order is stable,
/// `/` unescaped (DNs and URLs stay readable).
public enum JSONBody {
    public static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        response(data: try encoder().encode(value), status: status)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func response(data: some Collection<UInt8>, status: HTTPResponse.Status) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(data.count + 1)
        buffer.writeBytes(data)
        buffer.writeString("\n")
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: buffer)
        )
    }
}
