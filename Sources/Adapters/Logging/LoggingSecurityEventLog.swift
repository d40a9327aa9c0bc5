import Application
import Logging

/// Security events as structured log lines on the `security` logger.
public struct LoggingSecurityEventLog: SecurityEventLog {
    private let logger: Logger

    public init(logger: Logger) {
        var logger = logger
        logger[metadataKey: "category"] = "security"
        self.logger = logger
    }

    public func record(_ event: SecurityEvent, context: SecurityContext) {
        var metadata: Logger.Metadata = ["request_id": .string(context.requestID), "client_ip": .string(context.clientIP)]
        let name: String
        var level = Logger.Level.info
        switch event {
        case .loginSucceeded(let dsa):
            name = "login.success"; metadata["dsa"] = .string(dsa)
        case .loginFailed(let username, let reason):
            name = "login.failure"; metadata["username"] = .string(String(username.prefix(64))); metadata["reason"] = .string(reason); level = .warning
        case .loginThrottled(let username):
            name = "login.throttled"; metadata["username"] = .string(String(username.prefix(64))); level = .warning
        case .refreshed(let dsa, let family):
            name = "refresh.success"; metadata["dsa"] = .string(dsa); metadata["family"] = .string(family)
        case .refreshReuseDetected(let dsa, let family):
            name = "refresh.reuse_detected"; metadata["dsa"] = .string(dsa); metadata["family"] = .string(family); level = .error
        case .refreshRejected:
            name = "refresh.rejected"; level = .warning
        case .loggedOut(let family):
            name = "logout"; metadata["family"] = .string(family ?? "unknown")
        case .accessRejected(let reason):
            name = "access.rejected"; metadata["reason"] = .string(reason); level = .notice
        case .sessionEndedByAccount(let dsa, let family, let reason):
            name = "session.account_changed"; metadata["dsa"] = .string(dsa); metadata["family"] = .string(family); metadata["reason"] = .string(reason); level = .warning
        case .sessionsRevoked(let dsa, let by, let count):
            name = "session.revoked"; metadata["dsa"] = .string(dsa); metadata["by"] = .string(by); metadata["count"] = .stringConvertible(count); level = .warning
        }
        metadata["event"] = .string(name)
        logger.log(level: level, "security event", metadata: metadata)
    }
}
