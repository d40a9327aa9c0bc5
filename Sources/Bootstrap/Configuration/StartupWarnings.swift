import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Settings {
    /// What the log must say at start about settings that work but protect less than they could.
    /// `openFileLimit` is the process's soft RLIMIT_NOFILE (nil: unknown).
    func startupWarnings(openFileLimit: Int? = Self.openFileLimit()) -> [String] {
        var warnings: [String] = []
        if let warning = mail.startupWarning { warnings.append(warning) }
        // The LDAP pool, the state store, the log and the listening socket need descriptors too.
        let reserved = ldap.poolSize + 32
        if let limit = openFileLimit, httpLimits.maxConnections + reserved > limit {
            warnings.append(
                "HTTP_MAX_CONNECTIONS=\(httpLimits.maxConnections) does not fit the open-file limit (\(limit)) with \(reserved) descriptors for LDAP, the state store and the rest: past about \(max(0, limit - reserved)) connections the service cannot open files or connections. Lower HTTP_MAX_CONNECTIONS or raise LimitNOFILE."
            )
        }
        return warnings
    }

    static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}

