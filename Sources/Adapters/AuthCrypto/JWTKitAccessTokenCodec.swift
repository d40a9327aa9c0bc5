import Application
import Foundation
import JWTKit

/// Access tokens as HS256 JWTs (RFC 9068 profile: header `typ: at+jwt`), signed with SECRET_KEY.
///
/// Verification accepts only HS256 with that `typ`, this service as issuer and audience, and
/// checks `exp`/`nbf` with the configured skew. JWTKit picks the algorithm from the key, never
/// from the header, so `alg: none` or another algorithm fails as a bad signature.
public struct JWTKitAccessTokenCodec: AccessTokenCodec {
    public static let issuer = "fusiondirectory-orchestrator"
    public static let audience = "fusiondirectory-orchestrator"
    static let type = "at+jwt"

    private let keys: JWTKeyCollection
    /// The longest access-token lifetime TOKEN_EXPIRY accepts (one hour).
    public static let maximumLifetime: TimeInterval = 3600
    private let skew: TimeInterval

    public init(secret: [UInt8], skew: TimeInterval = 60) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.skew = skew
    }

    public func issue(_ claims: AccessTokenClaims) async throws -> String {
        let payload = Payload(
            iss: IssuerClaim(value: Self.issuer), aud: AudienceClaim(value: [Self.audience]),
            sub: SubjectClaim(value: claims.subject), iat: IssuedAtClaim(value: claims.issuedAt),
            nbf: NotBeforeClaim(value: claims.notBefore), exp: ExpirationClaim(value: claims.expiresAt),
            jti: IDClaim(value: claims.tokenID), fid: claims.familyID, afp: claims.accountFingerprintID
        )
        return try await keys.sign(payload, header: ["typ": .string(Self.type)])
    }

    public func verify(_ token: String, now: Date) async throws(AccessTokenRejection) -> AccessTokenClaims {
        guard Self.headerIsOurs(token) else { throw .malformed }
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .invalidSignature
        } catch {
            throw .malformed
        }
        guard payload.iss.value == Self.issuer, payload.aud.value.contains(Self.audience) else { throw .foreign }
        guard now.addingTimeInterval(-skew) < payload.exp.value else { throw .expired }
        guard payload.nbf.value <= now.addingTimeInterval(skew) else { throw .notYetValid }
        // A token "issued" in the future was not issued by this clock; one living longer than
        // any TOKEN_EXPIRY may be was not minted under the cap.
        guard payload.iat.value <= now.addingTimeInterval(skew) else { throw .notYetValid }
        guard payload.exp.value.timeIntervalSince(payload.iat.value) <= Self.maximumLifetime else { throw .malformed }
        return AccessTokenClaims(
            subject: payload.sub.value, familyID: payload.fid, tokenID: payload.jti.value,
            issuedAt: payload.iat.value, notBefore: payload.nbf.value, expiresAt: payload.exp.value,
            accountFingerprintID: payload.afp
        )
    }

    /// The protected header must say HS256 and at+jwt: a refresh token, an ID token or a token
    /// of the PHP version (typ JWT) is not an access token of this service.
    static func headerIsOurs(_ token: String) -> Bool {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let data = Data(base64URLEncoded: String(segments[0])),
              let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return header["alg"] as? String == "HS256" && (header["typ"] as? String)?.lowercased() == type
    }

    struct Payload: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var sub: SubjectClaim
        var iat: IssuedAtClaim
        var nbf: NotBeforeClaim
        var exp: ExpirationClaim
        var jti: IDClaim
        /// The refresh-token family this token was minted from.
        var fid: String
        /// The short id of the DSA's password fingerprint at minting (absent in older tokens).
        var afp: String?

        /// Time claims are checked by the codec against the injected clock, with skew.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}

