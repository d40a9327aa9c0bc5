import Domain

/// Applies an account prolongation to the directory.
public protocol AccountProlongations: Sendable {
    /// One modify that deletes the exact old values and adds the new ones: false when an old value
    /// is not there any more (the account changed since it was read), true when applied.
    func apply(_ prolongation: AccountProlongation, to dn: String) async throws -> Bool
}
