import Testing
@testable import Domain

@Suite("DistinguishedName")
struct DistinguishedNameTests {
    static let escapingCorpus: [(value: String, escaped: String)] = [
        ("a,b", #"a\,b"#),
        ("a+b", #"a\+b"#),
        (#"say "hi""#, #"say \"hi\""#),
        (#"back\slash"#, #"back\\slash"#),
        ("<tag>", #"\<tag\>"#),
        ("a;b", #"a\;b"#),
        ("#hash", "\\#hash"),
        ("a#b", "a#b"),
        (" lead", #"\ lead"#),
        ("trail ", #"trail\ "#),
        (" ", #"\ "#),
        ("  ", #"\ \ "#),
        ("in side", "in side"),
        ("nul\0x", #"nul\00x"#),
        ("Émile Faure", "Émile Faure"),
        ("日本語", "日本語"),
        ("a=b", "a=b"),
        ("", ""),
        ("welcome-mail-SubTask-1793607304_5113", "welcome-mail-SubTask-1793607304_5113"),
    ]

    @Test(arguments: escapingCorpus)
    func escapeValueFollowsRFC4514(value: String, escaped: String) {
        #expect(DistinguishedName.escapeValue(value) == escaped)
    }

    @Test(arguments: escapingCorpus)
    func everyValueSurvivesPrintAndParse(value: String, escaped: String) throws {
        let dn = DistinguishedName(rdns: [.init("ou", "tasks"), .init("dc", "example")]).child("cn", value)
        #expect(dn.description == "cn=\(escaped),ou=tasks,dc=example")
        let parsed = try DistinguishedName(parsing: dn.description)
        #expect(parsed == dn)
        #expect(parsed.rdn?.value(of: "cn") == value)
    }

    @Test func hexPairsDecodeToUTF8() throws {
        let dn = try DistinguishedName(parsing: #"cn=\C3\89mile\2C Faure,dc=example"#)
        #expect(dn.rdn?.value(of: "cn") == "Émile, Faure")
        #expect(dn.description == #"cn=Émile\, Faure,dc=example"#)
    }

    @Test func spacesAroundSeparatorsAreInsignificant() throws {
        let dn = try DistinguishedName(parsing: " cn = a b ,  ou = tasks + x = y , dc=example ")
        #expect(dn.description == "cn=a b,ou=tasks+x=y,dc=example")
    }

    @Test func escapedBoundarySpacesAreKept() throws {
        let dn = try DistinguishedName(parsing: #"cn=\ a\ ,dc=x"#)
        #expect(dn.rdn?.value(of: "cn") == " a ")
        let hex = try DistinguishedName(parsing: #"cn=a\20,dc=x"#)
        #expect(hex.rdn?.value(of: "cn") == "a ")
    }

    @Test func multiValuedAuditRDNIsParsedAndPrinted() throws {
        let text = "fdAuditDateTime=20261120090512.123456Z+fdAuditId=42,ou=audit,dc=example,dc=org"
        let dn = try DistinguishedName(parsing: text)
        #expect(dn.rdns.count == 4)
        #expect(dn.rdn?.components.count == 2)
        #expect(dn.rdn?.value(of: "fdauditid") == "42")
        #expect(dn.rdn?.value(of: "fdAuditDateTime") == "20261120090512.123456Z")
        #expect(dn.description == text)
    }

    @Test func multiValuedRDNsCompareAsSets() throws {
        let one = try DistinguishedName(parsing: "a=1+b=2,dc=x")
        let other = try DistinguishedName(parsing: "B=2+A=1,dc=x")
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
    }

    @Test func hexStringValuesAreDecodedFromBER() throws {
        #expect(try DistinguishedName(parsing: "cn=#04024869").rdn?.value(of: "cn") == "Hi")
        #expect(try DistinguishedName(parsing: "cn=#0C03616263,dc=x").rdn?.value(of: "cn") == "abc")
    }

    @Test func numericOIDTypesAreAccepted() throws {
        let dn = try DistinguishedName(parsing: "2.5.4.3=admin,0.9.2342.19200300.100.1.25=org")
        #expect(dn.rdn?.value(of: "2.5.4.3") == "admin")
    }

    @Test func emptyStringIsTheRootDN() throws {
        let root = try DistinguishedName(parsing: "")
        #expect(root.isRoot)
        #expect(root.description == "")
        #expect(root.parent == nil)
        #expect(root.rdn == nil)
    }

    @Test(arguments: [
        "cn=a,", ",cn=a", "cn", "=a", "cn=a,,dc=x", "   ",
        #"cn=a"b"#, "cn=a;b", "cn=a<b", "cn=a>b", "cn=a\0b",
        #"cn=a\"#, #"cn=\zz"#, #"cn=\FF"#, #"cn=a\2"#, #"cn=a\0g"#,
        "cn=#123", "cn=#0201FF", "cn=#04024869x", "cn=#0405AB",
        "1cn=a", "c_n=a", "cn=a+", "01.2=a", "1..2=a", "c n=a",
    ])
    func malformedDNsAreRejectedWithAReason(text: String) {
        #expect {
            try DistinguishedName(parsing: text)
        } throws: { error in
            guard let error = error as? DomainError, case let .invalidDN(_, reason) = error else { return false }
            return !reason.isEmpty && error.code == "domain.invalid_dn"
        }
    }

    @Test func typesAreCaseInsensitiveButValuesExactForEquality() throws {
        let upper = try DistinguishedName(parsing: "CN=Admin,DC=Example")
        #expect(upper == (try DistinguishedName(parsing: "cn=Admin,dc=Example")))
        #expect(upper != (try DistinguishedName(parsing: "cn=admin,dc=example")))
        #expect(Set([upper, try DistinguishedName(parsing: "cn=Admin,dc=Example")]).count == 1)
    }

    @Test func descendantCheckIgnoresCaseAndExcludesItself() throws {
        let base = try DistinguishedName(parsing: "ou=tasks,dc=example,dc=org")
        let task = try DistinguishedName(parsing: "cn=x,OU=Tasks,dc=EXAMPLE,dc=org")
        #expect(task.isDescendant(of: base))
        #expect(!base.isDescendant(of: base))
        #expect(!base.isDescendant(of: task))
        #expect(task.isDescendant(of: .root))
        #expect(!task.isDescendant(of: try DistinguishedName(parsing: "ou=people,dc=example,dc=org")))
        #expect(!task.isDescendant(of: try DistinguishedName(parsing: "dc=example,dc=com")))
    }

    @Test func navigationBuildsAndTakesApartNames() throws {
        let base = try DistinguishedName(parsing: "dc=example,dc=org")
        let tasks = try DistinguishedName(parsing: "ou=tasks").under(base)
        #expect(tasks.description == "ou=tasks,dc=example,dc=org")
        let task = tasks.child("cn", "Account, changes")
        #expect(task.description == #"cn=Account\, changes,ou=tasks,dc=example,dc=org"#)
        #expect(task.parent == tasks)
        #expect(task.rdn == DistinguishedName.RDN("cn", "Account, changes"))
        #expect(task.isDescendant(of: base))
    }
}
