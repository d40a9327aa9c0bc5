@testable import FusionDirectoryRESTAdapter
import Application
import Testing

/// How FD's answers are read, without a server.
struct FusionDirectoryAnswerTests {
    func answer(_ status: Int, _ body: String) -> FusionDirectoryAnswer {
        FusionDirectoryAnswer(status: status, body: Array(body.utf8))
    }

    func outcome(_ status: Int, _ body: String) -> FusionDirectoryError? {
        do {
            try AsyncHTTPFusionDirectoryAPI.check(answer(status, body), what: "refresh of uid=x", secrets: ["s3cret-pass", "tok-123456"])
            return nil
        } catch {
            return error
        }
    }

    @Test func aDNIsOnePathSegmentAsPHPsRawurlencodeMakesIt() {
        #expect(rawURLEncode("cn=Account changes,ou=tasks,dc=example,dc=org") == "cn%3DAccount%20changes%2Cou%3Dtasks%2Cdc%3Dexample%2Cdc%3Dorg")
        #expect(rawURLEncode("uid=é/x~y_z.-") == "uid%3D%C3%A9%2Fx~y_z.-")
    }

    @Test func fdsErrorShapesGiveOneShortLine() {
        #expect(answer(401, "\"Authentication required\"\n").message == "Authentication required")
        #expect(answer(404, #"[{"message":"Could not open dn x","line":12,"file":"/usr/share/fd/rest.php"}]"#).message == "Could not open dn x")
        #expect(answer(400, #"[{"message":"a"},{"message":"b"}]"#).message == "a; b")
        #expect(answer(502, "<html>\n<body>Bad gateway</body>\n</html>").message == "<html> <body>Bad gateway</body> </html>")
        #expect(answer(500, String(repeating: "x", count: 500)).message.count == 200)
        #expect(answer(500, "").message == "(empty body)")
    }

    @Test func statusesMapToTypedFailures() {
        #expect(outcome(200, "\"uid=x,dc=example,dc=org\"\n") == nil)
        #expect(outcome(400, #"[{"message":"Invalid tab"}]"#) == .rejected(status: 400, message: "Invalid tab"))
        #expect(outcome(503, #"[{"message":"LDAP down"}]"#) == .unavailable("refresh of uid=x: HTTP 503: LDAP down"))
        #expect(outcome(204, "\n") == .unexpectedAnswer("refresh of uid=x: HTTP 204 with "))
        guard case .rejected(302, _)? = outcome(302, "") else { Issue.record("a redirect is refused"); return }
        guard case .unexpectedAnswer? = outcome(200, #"{"dn":"uid=x"}"#) else { Issue.record("an object is not the DN"); return }
    }

    @Test func secretsAreMaskedInFDsTexts() {
        #expect(outcome(400, #"[{"message":"bad password s3cret-pass for token tok-123456"}]"#)
            == .rejected(status: 400, message: "bad password *** for token ***"))
    }

    @Test func onlyVisibleASCIITokensAreSent() {
        #expect(isUsableToken("0123abcdef,-"))
        #expect(!isUsableToken(""))
        #expect(!isUsableToken("abc\r\nX-Injected: 1"))
        #expect(!isUsableToken("with space"))
    }
}
