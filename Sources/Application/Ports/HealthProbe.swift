/// An error with a stable code, safe to show to a client.
public protocol CodedError: Error, Sendable {
    var code: String { get }
    var message: String { get }
}

extension DirectoryError: CodedError {}

/// One dependency whose answer decides readiness (the directory, the state store).
public protocol HealthProbe: Sendable {
    /// Short name shown in the readiness report, e.g. `ldap`, `database`.
    var component: String { get }
    /// Returns when the dependency answered a trivial request in time; throws a `CodedError` otherwise.
    func check() async throws
}
