import Testing
@testable import Domain

@Suite("DirectoryEntry")
struct DirectoryEntryTests {
    @Test func attributeNamesAreCaseInsensitiveAndStoredLowerCased() {
        let entry = DirectoryEntry(dn: "cn=x", stringAttributes: ["fdTasksGranularStatus": ["1"], "CN": ["x"]])
        #expect(entry.string("FDTASKSGRANULARSTATUS") == "1")
        #expect(entry.string("fdtasksgranularstatus") == "1")
        #expect(entry.attributeNames == ["cn", "fdtasksgranularstatus"])
    }

    @Test func spellingsOfOneAttributeAreMerged() {
        let entry = DirectoryEntry(dn: "cn=x", stringAttributes: ["mail": ["a@x"], "Mail": ["b@x"]])
        #expect(Set(entry.strings("MAIL")) == ["a@x", "b@x"])
        #expect(entry.attributeNames == ["mail"])
    }

    @Test func invalidUTF8IsRepairedNotRejected() {
        let entry = DirectoryEntry(dn: "cn=x", attributes: ["cn": [[0x61, 0xFF, 0x62]]])
        #expect(entry.string("cn") == "a\u{FFFD}b")
        #expect(entry.values("cn") == [[0x61, 0xFF, 0x62]])
    }

    @Test func missingAttributeHasNoValues() {
        let entry = DirectoryEntry(dn: "cn=x", stringAttributes: [:])
        #expect(entry.values("cn").isEmpty)
        #expect(entry.string("cn") == nil)
        #expect(!entry.has("cn"))
    }
}

@Suite("DomainError")
struct DomainErrorTests {
    @Test(arguments: [
        (DomainError.invalidValue(attribute: "a", value: "v", reason: "r"), "domain.invalid_value"),
        (DomainError.missingAttribute(attribute: "a"), "domain.missing_attribute"),
        (DomainError.invalidDN(dn: "x", reason: "r"), "domain.invalid_dn"),
        (DomainError.unknownTimeZone(identifier: "x"), "domain.unknown_time_zone"),
    ])
    func everyErrorHasAStableCode(error: DomainError, code: String) {
        #expect(error.code == code)
    }

    @Test func messageIncludesTheReasonAndTruncatesHugeValues() {
        let error = DomainError.invalidValue(attribute: "fdTasksScheduleDate", value: String(repeating: "9", count: 5000), reason: "too long")
        #expect(error.message.contains("too long"))
        #expect(error.message.contains("fdTasksScheduleDate"))
        #expect(error.message.count < 200)
    }

    @Test func messageNeverContainsRawControlCharacters() {
        let error = DomainError.invalidValue(attribute: "a", value: "line1\nline2\0", reason: "r")
        #expect(!error.message.contains("\n"))
        #expect(error.message.contains("\\u{a}"))
    }
}
