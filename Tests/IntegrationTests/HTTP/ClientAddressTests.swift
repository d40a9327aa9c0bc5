@testable import Bootstrap
import HTTPAdapter
import Testing

/// Which address a request is counted under: X-Forwarded-For only through a trusted proxy.
struct ClientAddressTests {
    let proxies = try! TrustedProxies(parsing: "10.0.0.0/8, 192.0.2.5, fd00::/8")

    @Test func theRightmostUntrustedHopIsTheClient() {
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.9, 192.0.2.5"]) == "198.51.100.9")
        // A client's own (spoofed) hops to the left of the real one are never reached.
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.1.1.1", "203.0.113.4, 10.9.9.9"]) == "203.0.113.4")
        #expect(proxies.clientAddress(peer: "fd00::1", forwardedFor: ["2001:db8:0:0::7"]) == "2001:db8::7")
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.1", forwardedFor: ["203.0.113.4"]) == "203.0.113.4")
    }

    @Test func anUntrustedPeerIsTheClientWhateverTheHeaderSays() {
        #expect(proxies.clientAddress(peer: "203.0.113.4", forwardedFor: ["10.0.0.1"]) == "203.0.113.4")
        #expect(TrustedProxies.none.clientAddress(peer: "10.0.0.1", forwardedFor: ["203.0.113.4"]) == "10.0.0.1")
    }

    @Test func aMalformedHopStopsTheWalkAtTheLastTrustedOne() {
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["203.0.113.4, unknown, 10.0.0.2"]) == "10.0.0.2")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
    }

    @Test(arguments: ["10.0.0.0/33", "example.org", "10.0.0.1/x", "::1/129"])
    func aBadTrustedProxiesEntryStopsTheStart(entry: String) throws {
        let values = try TestServices.shared.settingsValues(["TRUSTED_PROXIES": "127.0.0.1, \(entry)"])
        #expect(throws: ConfigurationError(key: "TRUSTED_PROXIES", reason: "not an IP address or CIDR: \(entry)")) { try Settings(values: values) }
    }
}
