import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection to the service, for the clients an HTTP library will not be: one that
/// never finishes its headers, one that stays silent, one that sends 100 KB of them.
final class RawConnection {
    struct Failed: Error, CustomStringConvertible { let description: String }

    private let socket: Int32

    /// Connects to `localhost:port` (the address HummingbirdTesting's live server binds).
    init(port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &list) == 0 else { throw Failed(description: "cannot resolve localhost") }
        defer { freeaddrinfo(list) }
        var entry = list
        while let info = entry?.pointee {
            let candidate = Glibc.socket(info.ai_family, info.ai_socktype, info.ai_protocol)
            if candidate >= 0, connect(candidate, info.ai_addr, info.ai_addrlen) == 0 {
                socket = candidate
                return
            }
            if candidate >= 0 { close(candidate) }
            entry = info.ai_next
        }
        throw Failed(description: "cannot connect to localhost:\(port)")
    }

    deinit { close(socket) }

    /// Sends everything; false when the service has closed or reset the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            bytes = bytes.dropFirst(sent)
        }
        return true
    }

    /// What arrives within `timeout`; `closed` once the service ended the connection (EOF or reset).
    func receive(within timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return (received, true) }
            received += buffer[..<count]
        }
        return (received, false)
    }

    /// Reads until the service closes the connection, at most `timeout`.
    func receiveUntilClosed(within timeout: Duration) -> (text: String, closed: Bool) {
        var text = ""
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (bytes, closed) = receive(within: min(.milliseconds(200), deadline - ContinuousClock.now))
            text += String(decoding: bytes, as: UTF8.self)
            if closed { return (text, true) }
        }
        return (text, false)
    }

    /// Reads until `marker` has arrived (the end of a small JSON body), at most `timeout`.
    func receive(until marker: String, within timeout: Duration) -> String {
        var text = ""
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !text.contains(marker) {
            let (bytes, closed) = receive(within: min(.milliseconds(100), deadline - ContinuousClock.now))
            text += String(decoding: bytes, as: UTF8.self)
            if closed { break }
        }
        return text
    }
}
