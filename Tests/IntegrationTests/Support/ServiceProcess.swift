import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// The real `fusiondirectory-orchestrator serve`, as a child process the test can SIGKILL.
struct ServiceProcess {
    let pid: pid_t
    let port: Int

    static var executable: String { builtExecutable("fusiondirectory-orchestrator") }

    /// A product of this package, found in the build directory next to the test bundle.
    static func builtExecutable(_ name: String) -> String {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent(name).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Starts the service with `environment` written to its own configuration file (passed with
    /// `--config`, so a PHP orchestrator's `/etc/fusiondirectory-orchestrator/orchestrator.conf`
    /// on the host is never read) and waits, at most `readyWithin`, until `/ready` answers 200.
    static func start(environment: [String: String], port: Int, log: String, readyWithin: Duration = .seconds(20)) async throws -> ServiceProcess {
        let config = log + ".conf"
        let settings = environment.merging(["ORCHESTRATOR_LISTEN": "127.0.0.1:\(port)"]) { $1 }
        try settings.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.dotenvEscaped($0.value))\"\n" }.joined()
            .write(toFile: config, atomically: true, encoding: .utf8)
        let pid = try spawn(executable, ["serve", "--config", config], environment: ["PATH=/usr/bin:/bin"],
                            open: [(1, log, O_WRONLY | O_CREAT | O_APPEND)], duplicate: [(1, 2)])
        let process = ServiceProcess(pid: pid, port: port)
        let deadline = ContinuousClock.now + readyWithin
        while ContinuousClock.now < deadline {
            if (try? await process.request(.GET, "/ready", timeout: .seconds(2)).status) == 200 { return process }
            if process.hasExited { throw MissingService(description: "the service exited at start; see \(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.kill(SIGKILL)
        throw MissingService(description: "the service did not become ready within \(readyWithin); see \(log)")
    }

    /// posix_spawn with an empty signal mask (a dispatch worker's blocks SIGTERM, and the child
    /// would inherit it); `open` puts files on descriptors, then `duplicate` copies descriptors.
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String], open files: [(Int32, String, Int32)], duplicate: [(Int32, Int32)] = []
    ) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, path, flags) in files { posix_spawn_file_actions_addopen(&actions, descriptor, path, flags, 0o644) }
        for (from, to) in duplicate { posix_spawn_file_actions_adddup2(&actions, from, to) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw MissingService(description: "cannot start \(executable): error \(spawned)") }
        return pid
    }

    /// A double-quoted dotenv value.
    static func dotenvEscaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    var hasExited: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    /// Sends `signal` and waits for the exit, at most `within`; then SIGKILL. Returns how long the
    /// process took to exit.
    @discardableResult
    func kill(_ signal: Int32, within: Duration = .seconds(30)) -> Duration {
        let started = ContinuousClock.now
        _ = Glibc.kill(pid, signal)
        var status: Int32 = 0
        while ContinuousClock.now - started < within {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result == -1 && errno == ECHILD) { return ContinuousClock.now - started }
            usleep(20_000)
        }
        _ = Glibc.kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return ContinuousClock.now - started
    }

    struct Reply: @unchecked Sendable {
        let status: Int
        /// JSONSerialization's immutable values.
        let body: [String: Any]
    }

    func request(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, bearer: String? = nil, timeout: TimeAmount = .seconds(120)) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:])
    }

    func token() async throws -> String {
        let reply = try await request(.POST, "/api/login", json: ["username": "orchestrator", "password": "orchestrator-pass"])
        guard let token = reply.body["access_token"] as? String else { throw MissingService(description: "login failed: \(reply.status)") }
        return token
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
