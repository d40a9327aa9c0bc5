import Application
import Domain
import Foundation

/// The reminder token entries `cn=<uid>,ou=tokens,<base>` FusionDirectory's
/// `accountProlongation.php` reads (spec §2, §3.7): objectClass top + fdTokenEntry, the token in
/// clear, fdTokenTimestamp in Unix seconds.
public struct LDAPProlongationTokens: ProlongationTokens {
    private let client: LDAPClient
    private let branch: DistinguishedName

    public init(client: LDAPClient, base: String) throws {
        self.client = client
        branch = try DistinguishedName(parsing: base).child("ou", "tokens")
    }

    func dn(of uid: String) -> String { branch.child("cn", uid).description }

    public func token(forUID uid: String) async throws -> StoredProlongationToken? {
        guard let entry = try await client.read(dn(of: uid), attributes: ["fdTokenUserDN", "fdTokenType", "fdToken", "fdTokenTimestamp"]) else {
            return nil
        }
        guard let user = entry.strings("fdTokenUserDN").first, let token = entry.strings("fdToken").first else { return nil }
        let seconds = entry.strings("fdTokenTimestamp").first.flatMap { Double($0) } ?? 0
        return StoredProlongationToken(
            uid: uid, userDN: user, type: entry.strings("fdTokenType").first ?? "", token: token,
            expiresAt: Date(timeIntervalSince1970: seconds)
        )
    }

    public func store(_ token: StoredProlongationToken) async throws {
        let values: [(String, [String])] = [
            ("fdTokenUserDN", [token.userDN]), ("fdTokenType", [token.type]), ("fdToken", [token.token]),
            ("fdTokenTimestamp", [UnixTime.format(token.expiresAt)]),
        ]
        let dn = dn(of: token.uid)
        let replace = values.map { LDAPModification.replace($0.0, $0.1) }
        // (Nested typed `catch .case` patterns crash the Swift 6.3.1 compiler: plain catches.)
        if try await modifyIfPresent(dn, replace) { return }
        try await createBranchIfMissing()
        if try await addIfAbsent(dn, [("objectClass", ["top", "fdTokenEntry"]), ("cn", [token.uid])] + values) { return }
        // Another run created it meanwhile: write ours over it.
        try await client.modify(dn, replace)
    }

    /// False when there is no entry to modify.
    private func modifyIfPresent(_ dn: String, _ modifications: [LDAPModification]) async throws(DirectoryError) -> Bool {
        do {
            try await client.modify(dn, modifications)
            return true
        } catch {
            if case .noSuchObject = error { return false }
            throw error
        }
    }

    /// False when the entry exists already.
    private func addIfAbsent(_ dn: String, _ attributes: [(String, [String])]) async throws(DirectoryError) -> Bool {
        do {
            try await client.add(dn, attributes: attributes)
            return true
        } catch {
            if case .alreadyExists = error { return false }
            throw error
        }
    }

    private func createBranchIfMissing() async throws(DirectoryError) {
        _ = try await addIfAbsent(branch.description, [("objectClass", ["organizationalUnit"]), ("ou", ["tokens"])])
    }
}
