import Application
import Crypto
import Foundation

/// HMAC-SHA256 of a DSA's `userPassword` values under a key derived from SECRET_KEY, hex.
///
/// The values are sorted and length-prefixed, so their order in the entry does not matter and
/// no two different sets give the same input. The key is SECRET_KEY's HMAC of a fixed label, so
/// the fingerprint is not a token signature of anything.
public struct HMACPasswordFingerprinter: PasswordFingerprinter {
    private let key: SymmetricKey

    public init(secret: [UInt8]) {
        let derived = HMAC<SHA256>.authenticationCode(for: Data("fusiondirectory-orchestrator account fingerprint v1".utf8), using: SymmetricKey(data: secret))
        key = SymmetricKey(data: Data(derived))
    }

    public func fingerprint(of passwordValues: [[UInt8]]) -> String {
        var message: [UInt8] = []
        for value in passwordValues.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let count = UInt32(value.count)
            message += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            message += value
        }
        return HMAC<SHA256>.authenticationCode(for: message, using: key).map { String(format: "%02x", $0) }.joined()
    }
}
