/// FusionDirectory's REST API (`FUSION_DIRECTORY_API_URL`): the calls that make FD run its own
/// logic on an object (spec §7, §8.2 f, §8.6).
public protocol FusionDirectoryAPI: Sendable {
    /// `PATCH objects/user/<dn>` with `[]`: FD saves the user again, recomputing
    /// supannRessourceEtat from supannRessourceEtatDate and running its hooks (lock, unlock).
    func refreshUser(dn: String) async throws(FusionDirectoryError)
    /// `PATCH objects/tasks/<dn>` with `{"tasks":{"fdSubTasksActivation":"TRUE"}}`: FD stamps
    /// fdTasksLastExec and creates the task's sub-tasks.
    func activateTask(dn: String) async throws(FusionDirectoryError)
}

/// Why a call to FusionDirectory did not succeed.
public enum FusionDirectoryError: Error, Sendable, Equatable {
    /// FUSION_DIRECTORY_API_URL is not set: nothing was called.
    case notConfigured
    /// FD could not be reached, timed out, or answered 5xx: a later run may succeed.
    case unavailable(String)
    /// FD refused the call (4xx other than an expired session, or credentials refused).
    case rejected(status: Int, message: String)
    /// FD answered 2xx with a body that is not what the call returns (the object's DN).
    case unexpectedAnswer(String)

    public var isTransient: Bool {
        if case .unavailable = self { return true }
        return false
    }

    /// One short line, fit for a sub-task status.
    public var summary: String {
        switch self {
        case .notConfigured: "FusionDirectory's REST API is not configured (FUSION_DIRECTORY_API_URL)"
        case .unavailable(let why): "FusionDirectory unavailable: \(why)"
        case .rejected(let status, let message): "FusionDirectory refused (\(status)): \(message)"
        case .unexpectedAnswer(let body): "FusionDirectory answered unexpectedly: \(body)"
        }
    }
}
