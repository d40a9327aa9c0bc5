import LDAPAdapter
import StateStoreAdapter
import AuthCryptoAdapter
import Application
import AsyncHTTPClient
import Foundation
import NIOCore

/// `orchestrator-bench auth`: login rate, authenticated request rate and token-verification cost,
/// against a running service (started by `scripts/bench`).
struct AuthBenchmark {
    let baseURL: String
    let username: String
    let password: String
    let secret: [UInt8]
    let concurrency: Int

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(30))))
        do {
            try await run(client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func run(_ client: HTTPClient) async throws {
        // Logins go through the throttle too: only successes, so it never trips.
        let logins = 200
        let loginTime = try await measure(count: logins) { _ in
            _ = try await post(client, "/api/login", ["username": username, "password": password])
        }
        print(String(format: "logins:            %5d in %6.2f s = %8.1f logins/s (concurrency %d; each one LDAP search + one bind on a new connection)", logins, loginTime, Double(logins) / loginTime, concurrency))
        guard let access = try await post(client, "/api/login", ["username": username, "password": password])["access_token"] as? String else {
            throw BenchError("no token")
        }

        let requests = 5_000
        let sessionTime = try await measure(count: requests) { _ in
            _ = try await get(client, "/api/session", bearer: access)
        }
        print(String(format: "GET /api/session:  %5d in %6.2f s = %8.1f requests/s (authenticated, concurrency %d)", requests, sessionTime, Double(requests) / sessionTime, concurrency))
        let healthTime = try await measure(count: requests) { _ in
            _ = try await get(client, "/health", bearer: nil)
        }
        print(String(format: "GET /health:       %5d in %6.2f s = %8.1f requests/s (no auth, same server)", requests, healthTime, Double(requests) / healthTime))
        print(String(format: "auth overhead per request over HTTP: %.1f µs", (sessionTime - healthTime) / Double(requests) * 1e6))

        let codec = await JWTKitAccessTokenCodec(secret: secret)
        let verifications = 20_000
        let started = ContinuousClock.now
        for _ in 0..<verifications { _ = try await codec.verify(access, now: Date()) }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "token verification in-process: %d in %.3f s = %.1f µs each", verifications, seconds, seconds / Double(verifications) * 1e6))
    }

    /// Runs `body` `count` times from `concurrency` workers; returns the wall time in seconds.
    private func measure(count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: count, by: concurrency) { try await body(index) }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func post(_ client: HTTPClient, _ path: String, _ body: [String: String]) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        return try await send(client, request)
    }

    private func get(_ client: HTTPClient, _ path: String, bearer: String?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: baseURL + path)
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        return try await send(client, request)
    }

    private func send(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> [String: Any] {
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BenchError("\(request.url): HTTP \(response.status.code) \(String(buffer: body))") }
        return (try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
