import Application

/// The FD session token, shared by every call of the process (PHP logged in once per run and
/// per request). Concurrent callers that find no token wait for one login instead of each
/// starting their own.
actor FusionDirectorySession {
    typealias LogIn = @Sendable () async -> Result<String, FusionDirectoryError>

    private let logIn: LogIn
    private var token: String?
    private var pending: Task<Result<String, FusionDirectoryError>, Never>?

    init(logIn: @escaping LogIn) {
        self.logIn = logIn
    }

    /// The cached token, or a new one from a login (the one already in flight, if any).
    func current() async throws(FusionDirectoryError) -> String {
        if let token { return token }
        let login: Task<Result<String, FusionDirectoryError>, Never>
        if let pending {
            login = pending
        } else {
            let logIn = self.logIn
            login = Task { await logIn() }
            pending = login
        }
        let result = await login.value
        // Only the first caller back from this login stores its token: a later one could
        // otherwise bring back a token that was refused and discarded in the meantime.
        if pending == login {
            pending = nil
            if case .success(let fresh) = result { token = fresh }
        }
        return try result.get()
    }

    /// FD refused `stale` (401): forget it, unless another call already replaced it.
    func discard(_ stale: String) {
        if token == stale { token = nil }
    }
}
