/// Security-relevant events, for the audit trail. Never carries a password or a token.
public enum SecurityEvent: Sendable, Equatable {
    case loginSucceeded(dsa: String)
    case loginFailed(username: String, reason: String)
    case loginThrottled(username: String)
    case refreshed(dsa: String, family: String)
    case refreshReuseDetected(dsa: String, family: String)
    case refreshRejected
    case loggedOut(family: String?)
    case accessRejected(reason: String)
    /// A session refused because its DSA was deleted, locked or had its password changed.
    case sessionEndedByAccount(dsa: String, family: String, reason: String)
    /// `POST /api/sessions/revoke`: `by` revoked `count` sessions of `dsa`.
    case sessionsRevoked(dsa: String, by: String, count: Int)
}

public struct SecurityContext: Sendable, Equatable {
    public let requestID: String
    public let clientIP: String

    public init(requestID: String, clientIP: String) {
        self.requestID = requestID
        self.clientIP = clientIP
    }
}

public protocol SecurityEventLog: Sendable {
    func record(_ event: SecurityEvent, context: SecurityContext)
}
