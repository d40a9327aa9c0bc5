#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies (TRUSTED_PROXIES: IPs and CIDRs) whose `X-Forwarded-For` is believed.
///
/// A client can write any `X-Forwarded-For` it likes; only the hops a trusted proxy appended
/// mean something. So the client is the rightmost hop that is not itself a trusted proxy, and a
/// peer that is not trusted is the client whatever the header says.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let networks: [Network]

    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) {
        self.networks = networks
    }

    /// Parses `10.0.0.1, 192.168.0.0/16, ::1, fd00::/8`; throws the first entry that is neither.
    public init(parsing list: String) throws(InvalidEntry) {
        var networks: [Network] = []
        for entry in list.split(separator: ",").map({ $0.trimmingSpaces }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(parts[0]) else { throw InvalidEntry(entry: entry) }
            let prefix: Int
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...(bytes.count * 8)).contains(bits) else { throw InvalidEntry(entry: entry) }
                prefix = bits
            } else {
                prefix = bytes.count * 8
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        self.networks = networks
    }

    public struct InvalidEntry: Error, Sendable {
        public let entry: String
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer, or when the peer is trusted, the rightmost
    /// `X-Forwarded-For` hop that is not (the leftmost when all are). A malformed hop ends the
    /// walk at the trusted hop to its right.
    public func clientAddress(peer: String, forwardedFor headers: [String]) -> String {
        guard !networks.isEmpty, contains(peer) else { return peer }
        let hops = headers.flatMap { $0.split(separator: ",").map { $0.trimmingSpaces } }.filter { !$0.isEmpty }
        var client = peer
        for hop in hops.reversed() {
            guard let canonical = Self.canonical(hop) else { return client }
            client = canonical
            if !contains(canonical) { return canonical }
        }
        return client
    }

    /// 4 bytes for IPv4 (IPv4-mapped IPv6 included, so one host has one key), 16 for IPv6.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// One spelling per address, so `::1` and `0::1` are one throttle key.
    static func canonical(_ text: String) -> String? {
        guard var bytes = bytes(text) else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &bytes, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(cString: buffer)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
