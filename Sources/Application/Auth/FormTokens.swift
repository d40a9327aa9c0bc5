/// The token a status-page form carries next to the session cookie (CSRF defence).
///
/// It is a hash of the session's access token: another site can make a browser send the cookie,
/// but cannot read it, so it cannot compute the form token. Nothing is stored, so any replica
/// checks a form another one rendered.
public struct FormTokens: Sendable {
    private let crypto: any TokenCrypto

    public init(_ auth: AuthDependencies) {
        crypto = auth.crypto
    }

    public func token(forSession accessToken: String) -> String {
        crypto.storageHash(of: "status-page-form\u{0}" + accessToken)
    }

    /// Throws 403 `ui.form_token` unless `presented` is the form token of that session.
    public func check(_ presented: String?, session accessToken: String) throws(ServiceError) {
        let expected = Array(token(forSession: accessToken).utf8)
        let given = Array((presented ?? "").utf8)
        // Compared in constant time over the expected length.
        var difference = expected.count ^ given.count
        for index in expected.indices {
            difference |= Int(expected[index] ^ (index < given.count ? given[index] : 0))
        }
        guard difference == 0 else {
            throw ServiceError(.forbidden, code: "ui.form_token", message: "the form is stale or did not come from the status page; reload the page")
        }
    }
}
