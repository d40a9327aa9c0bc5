/// A keyed one-way digest of a DSA's `userPassword` values, so a session can tell that the
/// password changed since its login without the service ever keeping the hash itself.
public protocol PasswordFingerprinter: Sendable {
    /// The same values (in any order) always give the same fingerprint under one key; without the
    /// key nothing about the values can be learnt from it.
    func fingerprint(of passwordValues: [[UInt8]]) -> String
}
