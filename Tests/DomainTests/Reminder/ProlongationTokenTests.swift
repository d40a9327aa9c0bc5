import Domain
import Foundation
import Testing

@Suite struct ProlongationTokenTests {
    @Test func theMessageIsTheUnixTimeThenThePHPJSONStringOfTheDNAndSalt() {
        #expect(ProlongationToken.message(unixTime: 1_796_641_871, userDN: "uid=lmartin,ou=people,dc=example,dc=org")
            == #"1796641871"uid=lmartin,ou=people,dc=example,dc=org8onOlEsItKond""#)
    }

    @Test func phpJSONEscapesSlashesQuotesControlsAndNonASCIIAsUTF16() {
        #expect(ProlongationToken.phpJSONString("a/b\"c\\d\ne\u{1}") == #""a\/b\"c\\d\ne\u0001""#)
        #expect(ProlongationToken.phpJSONString("cn=Émile 😀") == #""cn=\u00c9mile \ud83d\ude00""#)
    }

    @Test func theTokenReplacesPlusAndSlashAndDropsPadding() {
        #expect(ProlongationToken.token(fromBase64: "ab+/cd==") == "abABcd")
    }

    @Test func theLinkDropsTheRESTPathAndEncodesItsParameters() {
        #expect(ProlongationToken.link(fusionDirectoryURL: "https://fd.example.org/fusiondirectory/rest.php/v1/", token: "AbC123", task: "account reminder&x")
            == "https://fd.example.org/fusiondirectory/accountProlongation.php?token=AbC123&task=account%20reminder%26x")
        #expect(ProlongationToken.link(fusionDirectoryURL: "https://fd.example.org", token: "t", task: "r")
            == "https://fd.example.org/accountProlongation.php?token=t&task=r")
    }

    @Test func aStoredTokenIsValidForItsUserUntilItExpires() {
        let now = Date(timeIntervalSince1970: 1_000)
        let token = StoredProlongationToken(uid: "u", userDN: "uid=u,dc=x", token: "t", expiresAt: now.addingTimeInterval(1))
        #expect(token.isValid(for: "UID=u,DC=x", at: now))
        #expect(!token.isValid(for: "uid=v,dc=x", at: now))
        #expect(!token.isValid(for: "uid=u,dc=x", at: now.addingTimeInterval(1)))
    }
}
