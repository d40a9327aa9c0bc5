/// The one error type that crosses from the use cases to the edges (HTTP, CLI).
///
/// `code` is a stable slug clients can switch on; `kind` decides the HTTP status in exactly one
/// place (the HTTP adapter). Messages are for people and never carry stack traces, server paths
/// or secrets.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalidInput
        case unauthenticated
        case forbidden
        case notFound
        case methodNotAllowed
        case conflict
        case tooManyRequests
        case unavailable
        case internalFailure
    }

    public let kind: Kind
    public let code: String
    public let message: String
    /// For `.tooManyRequests` and `.unavailable`: when the client may try again.
    public var retryAfterSeconds: Int?

    public init(_ kind: Kind, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code): \(message)" }
}

extension ServiceError {
    /// Any failure of a use case as the one error the edges know; nothing internal leaks.
    public static func from(_ error: any Error, doing what: String) -> ServiceError {
        switch error {
        case let error as ServiceError: error
        case let error as DirectoryError: error.serviceError
        case let error as any CodedError: ServiceError(.unavailable, code: error.code, message: error.message)
        default: ServiceError(.internalFailure, code: "internal", message: "\(what) failed")
        }
    }
}
