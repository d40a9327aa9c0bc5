import Domain

/// The reminder token entries FusionDirectory's prolongation page reads (`cn=<uid>,ou=tokens,<base>`).
public protocol ProlongationTokens: Sendable {
    /// The entry of `uid`, nil when there is none.
    func token(forUID uid: String) async throws -> StoredProlongationToken?
    /// Writes the entry of `token.uid` (creating `ou=tokens` when missing), replacing what was there.
    func store(_ token: StoredProlongationToken) async throws
}
