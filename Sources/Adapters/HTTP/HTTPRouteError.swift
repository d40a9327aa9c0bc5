import Application
import HTTPTypes

/// Errors only the HTTP edge knows about: they carry headers the response must have.
public enum HTTPRouteError: Error, Sendable {
    case methodNotAllowed(allow: String)
}
