import Application
import CLDAP

public enum LDAPScope: Sendable {
    case base, oneLevel, subtree

    var raw: Int32 {
        switch self {
        case .base: LDAP_SCOPE_BASE
        case .oneLevel: LDAP_SCOPE_ONELEVEL
        case .subtree: LDAP_SCOPE_SUBTREE
        }
    }
}

/// One change of an LDAP modify. Values are bytes because some FD attributes are OctetString.
public struct LDAPModification: Sendable, Equatable {
    public enum Operation: Sendable, Equatable { case add, delete, replace }

    public let operation: Operation
    public let attribute: String
    public let values: [[UInt8]]

    public init(_ operation: Operation, _ attribute: String, values: [[UInt8]]) {
        self.operation = operation
        self.attribute = attribute
        self.values = values
    }

    public static func replace(_ attribute: String, _ values: [String]) -> LDAPModification {
        LDAPModification(.replace, attribute, values: values.map { Array($0.utf8) })
    }

    public static func add(_ attribute: String, _ values: [String]) -> LDAPModification {
        LDAPModification(.add, attribute, values: values.map { Array($0.utf8) })
    }

    /// Deletes the given values, or the whole attribute when `values` is empty.
    public static func delete(_ attribute: String, _ values: [String] = []) -> LDAPModification {
        LDAPModification(.delete, attribute, values: values.map { Array($0.utf8) })
    }
}

/// The state of a paged search (RFC 2696) between two pages: the server's opaque cookie.
struct PageCursor: Sendable {
    var cookie: [UInt8] = []
    var started = false
    var isFinished: Bool { started && cookie.isEmpty }
}

/// How a connection protects what crosses it (LDAP_STARTTLS, LDAP_CA_FILE).
public struct LDAPTransportSecurity: Sendable, Equatable {
    /// StartTLS (RFC 4513 §3) on an ldap:// URL before anything else, the bind included.
    public var startTLS: Bool
    /// A PEM bundle of the CAs the server's certificate must chain to (for StartTLS and ldaps://);
    /// nil = libldap's defaults (ldap.conf's TLS_CACERT, else the system's).
    public var caFile: String?

    public init(startTLS: Bool = false, caFile: String? = nil) {
        self.startTLS = startTLS
        self.caFile = caFile
    }

    public static let none = LDAPTransportSecurity()
}

/// An LDAP result code with the server's diagnostic, as the C library reported it.
struct LDAPResultError: Error, Sendable {
    static let startTLS = "StartTLS"

    let code: Int32
    let diagnostic: String
    let operation: String

    var directoryError: DirectoryError {
        let text = diagnostic.isEmpty ? "\(operation): \(Self.describe(code))" : "\(operation): \(Self.describe(code)) (\(diagnostic))"
        // Whatever libldap answered, a connection that could not be secured is not to be used.
        if operation == Self.startTLS { return .unavailable(text) }
        switch code {
        case LDAP_SERVER_DOWN, LDAP_CONNECT_ERROR, LDAP_UNAVAILABLE, LDAP_BUSY, LDAP_LOCAL_ERROR:
            return .unavailable(text)
        case LDAP_TIMEOUT, LDAP_TIMELIMIT_EXCEEDED:
            return .timeout(text)
        case LDAP_NO_SUCH_OBJECT:
            return .noSuchObject(dn: diagnostic)
        case LDAP_ALREADY_EXISTS:
            return .alreadyExists(dn: diagnostic)
        case LDAP_INVALID_CREDENTIALS:
            return .invalidCredentials
        case 16...21, 50, 53, 64...69, 71:
            // attribute, access, naming and object-class problems: the request was refused.
            return .rejected(code: Int(code), message: text)
        default:
            return .other(code: Int(code), message: text)
        }
    }

    /// Whether the connection that produced this error must be thrown away.
    var breaksConnection: Bool {
        code == LDAP_SERVER_DOWN || code == LDAP_CONNECT_ERROR || code == LDAP_TIMEOUT || code == LDAP_LOCAL_ERROR
    }

    static func describe(_ code: Int32) -> String {
        guard let text = ldap_err2string(code) else { return "LDAP error \(code)" }
        return "\(String(cString: text)) (\(code))"
    }
}
