import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One process per embedded state directory: an exclusive `flock` on `<directory>/orchestrator.lock`,
/// held for the life of the process (the kernel drops it when the process dies, even by SIGKILL).
/// Two services on one SQLite directory would each believe they lead the scheduler and would race
/// on the journal's file; the second one is refused at start instead.
public final class EmbeddedStoreLock: Sendable {
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    private let descriptor: Int32

    /// Takes the lock without waiting; `Refused` says which directory is in use.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("orchestrator.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Refused(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK
                ? "another fusiondirectory-orchestrator process uses the state directory \(directory); run one process per ORCHESTRATOR_STATE_DIR, or share a PostgreSQL DATABASE_URL between replicas"
                : "cannot lock \(path): \(String(cString: strerror(errno)))"
            close(descriptor)
            throw Refused(description: reason)
        }
        // The holder's pid, for an operator wondering who has it.
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
