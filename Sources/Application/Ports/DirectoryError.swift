/// What a directory adapter reports when an operation fails. Adapters translate their
/// technology's codes into these cases so use cases can decide (retry, fail one sub-task, 503).
public enum DirectoryError: Error, Sendable, Equatable {
    /// The server could not be reached or the connection broke.
    case unavailable(String)
    /// The operation did not finish within its time limit.
    case timeout(String)
    /// No pooled connection became free in time, or too many callers were already waiting.
    case busy
    case noSuchObject(dn: String)
    case alreadyExists(dn: String)
    case invalidCredentials
    /// The server refused the change (schema, syntax, constraint, access).
    case rejected(code: Int, message: String)
    case other(code: Int, message: String)

    public var code: String {
        switch self {
        case .unavailable: "ldap.unavailable"
        case .timeout: "ldap.timeout"
        case .busy: "ldap.busy"
        case .noSuchObject: "ldap.no_such_object"
        case .alreadyExists: "ldap.already_exists"
        case .invalidCredentials: "ldap.invalid_credentials"
        case .rejected: "ldap.rejected"
        case .other: "ldap.error"
        }
    }

    public var message: String {
        switch self {
        case .unavailable(let why): "directory unavailable: \(why)"
        case .timeout(let what): "directory operation timed out: \(what)"
        case .busy: "the service's directory connections are all in use and its queue is full or the wait ran out; try again shortly"
        case .noSuchObject(let dn): "no such entry: \(dn)"
        case .alreadyExists(let dn): "entry already exists: \(dn)"
        case .invalidCredentials: "invalid credentials"
        case .rejected(let code, let message): "directory refused the change (\(code)): \(message)"
        case .other(let code, let message): "directory error (\(code)): \(message)"
        }
    }

    /// Whether the failure is about reaching the server rather than about the request.
    public var isConnectivity: Bool {
        switch self {
        case .unavailable, .timeout, .busy: true
        default: false
        }
    }

    public var serviceError: ServiceError {
        ServiceError(isConnectivity ? .unavailable : .internalFailure, code: code, message: message, retryAfterSeconds: self == .busy ? 1 : nil)
    }
}
