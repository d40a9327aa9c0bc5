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

    static var executable: String {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("fusiondirectory-orchestrator").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Starts the service with `environment` (plus PATH) and waits until `/ready` answers 200.
    static func start(environment: [String: String], port: Int, log: String) async throws -> ServiceProcess {
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
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments: [String] = [executable, "serve"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let variables: [String] = environment.merging(["PATH": "/usr/bin:/bin", "ORCHESTRATOR_LISTEN": "127.0.0.1:\(port)"]) { $1 }
            .map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, &attributes, argv, envp) == 0 else {
            throw MissingService(description: "cannot start \(executable)")
        }
        let process = ServiceProcess(pid: pid, port: port)
        for _ in 0..<100 {
            if (try? await process.request(.GET, "/ready").status) == 200 { return process }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.kill(SIGKILL)
        throw MissingService(description: "the service did not become ready; see \(log)")
    }

    func kill(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    struct Reply {
        let status: Int
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
