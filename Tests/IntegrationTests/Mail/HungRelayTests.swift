@testable import Bootstrap
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port that accepts connections (the kernel completes them) but never says a word: a relay
/// that never greets.
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 64) == 0 else {
            close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.socket = socket
    }

    deinit { close(socket) }
}

extension LiveServices {
    /// Hung dependencies: a relay that never greets costs a few bounded attempts per run, not one
    /// timeout per message.
    @Suite struct HungRelayTests {
        let services = TestServices.shared

        @Test(.timeLimit(.minutes(2)))
        func aRelayThatNeverGreetsStopsTheRunAfterThreeBoundedAttempts() async throws {
            try services.freshFixtureAndMailbox()
            defer { try? services.freshFixtureAndMailbox() }
            let relay = try SilentListener()
            let recipients = try await services.bulkMail(20, prefix: "hung")
            let settings = try services.settings(["MAIL_HOST": "127.0.0.1", "MAIL_PORT": String(relay.port), "MAIL_CONNECT_TIMEOUT_SECONDS": "1"])
            let app = try await Composition.makeApplication(settings: settings, store: services.embeddedStore(), logger: Logger(label: "hung-relay"))
            let started = ContinuousClock.now
            try await app.test(.router) { client in
                let token = try #require(try await client.login("orchestrator", "orchestrator-pass")["access_token"])
                let report = try await client.json(.patch, "/api/tasks/mail", bearer: token)
                #expect(report.status == .ok)
                let items = (report.body["items"] as? [[String: any Sendable]] ?? []).filter { ($0["target"] as? String)?.hasPrefix("hung-") == true }
                #expect(items.filter { $0["outcome"] as? String == "deferred" }.count == 3, "\(items)")
                let stopped = items.filter { ($0["detail"] as? String)?.hasPrefix("run stopped after 3 consecutive connection failures") == true }
                #expect(stopped.count == recipients.count - 3)
            }
            #expect(ContinuousClock.now - started < .seconds(30), "three bounded attempts, not twenty")
            for dn in try await services.statuses("hung").keys { #expect(try await services.status(of: dn) == "1") }
        }
    }
}
