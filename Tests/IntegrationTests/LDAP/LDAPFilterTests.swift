@testable import LDAPAdapter
import Testing

/// RFC 4515 §3: NUL, `(`, `)`, `*` and `\` become `\XX`; nothing else is touched.
struct LDAPFilterTests {
    @Test(arguments: [
        ("*", "(cn=\\2a)"),
        ("orch*", "(cn=orch\\2a)"),
        (")(", "(cn=\\29\\28)"),
        ("*)(objectClass=*", "(cn=\\2a\\29\\28objectClass=\\2a)"),
        ("*)(cn=*", "(cn=\\2a\\29\\28cn=\\2a)"),
        ("\\", "(cn=\\5c)"),
        ("a\u{0}b", "(cn=a\\00b)"),
        ("Émile Faure ☃", "(cn=Émile Faure ☃)"),
        ("\\2a", "(cn=\\5c2a)"),
        ("x)(|(uid=*))", "(cn=x\\29\\28|\\28uid=\\2a\\29\\29)"),
    ])
    func equalityValuesAreEscaped(input: String, expected: String) {
        #expect(LDAPFilter.equal("cn", input).rendered == expected)
    }

    @Test func veryLongValuesAreEscapedWhole() {
        let value = String(repeating: "*(", count: 50_000)
        let rendered = LDAPFilter.equal("cn", value).rendered
        #expect(rendered == "(cn=" + String(repeating: "\\2a\\28", count: 50_000) + ")")
    }

    @Test func compositeFiltersRenderEveryPart() {
        let filter = LDAPFilter.and([
            .objectClass("fdTasksGranular"),
            .equal("fdTasksGranularType", "Mail Object"),
            .not(.or([.equal("fdTasksGranularStatus", "1"), .equal("fdTasksGranularStatus", "2")])),
            .substring("cn", initial: "welcome*", any: ["(x)"], final: nil),
            .present("fdTasksGranularMail"),
        ])
        #expect(filter.rendered == "(&(objectClass=fdTasksGranular)(fdTasksGranularType=Mail Object)(!(|(fdTasksGranularStatus=1)(fdTasksGranularStatus=2)))(cn=welcome\\2a*\\28x\\29*)(fdTasksGranularMail=*))")
    }

    @Test(arguments: ["cn", "fdTasksGranularType", "userCertificate;binary", "2.5.4.3"])
    func validAttributeDescriptionsAreAccepted(name: String) {
        #expect(LDAPFilter.isValidAttributeDescription(name))
    }

    @Test(arguments: ["", "c n", "cn=", "(cn", "1cn", "cn;", "é"])
    func invalidAttributeDescriptionsAreRefused(name: String) {
        #expect(!LDAPFilter.isValidAttributeDescription(name))
    }
}
