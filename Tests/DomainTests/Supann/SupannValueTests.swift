import Testing
@testable import Domain

@Suite("supann values")
struct SupannValueTests {
    @Test(arguments: ["{COMPTE}A:SupannActif", "{MAIL}A", "{COMPTE}I:SupannExpire", "{WIFI-EDU}S:SupannVerrouille", "{compte.ext}X"])
    func resourceStatesRoundTrip(text: String) throws {
        #expect(try SupannResourceState(parsing: text).ldapValue == text)
    }

    @Test func resourceStateFieldsAreRead() throws {
        let value = try SupannResourceState(parsing: "{COMPTE}A:SupannActif")
        #expect(value.resource == "COMPTE")
        #expect(value.state == .active)
        #expect(value.subState == "SupannActif")
        #expect(try SupannResourceState(parsing: "{MAIL}I").subState == nil)
        #expect(try SupannResourceState(parsing: "{MAIL}S").state == .suspended)
        #expect(try SupannResourceState(parsing: "{MAIL}X").state == .other("X"))
    }

    @Test func emptySubStateReadsAsNone() throws {
        #expect(try SupannResourceState(parsing: "{MAIL}A:").ldapValue == "{MAIL}A")
    }

    @Test(arguments: ["", "COMPTE}A", "{COMPTE", "{}A", "{COMPTE}", "{COMPTE}:Sub", "{COMPTE}AB", "{COMPTE}A:Sub:20250901:20261031", "{{X}A"])
    func malformedResourceStatesAreRejected(text: String) {
        #expect(throws: DomainError.self) { try SupannResourceState(parsing: text) }
    }

    @Test(arguments: [
        "{COMPTE}A:SupannActif:20250901:20261031", "{MAIL}A:SupannActif::", "{MAIL}A:::", "{COMPTE}I:SupannExpire:20261031:20261130",
        "{WIFI-EDU}A::20250101:", "{MAIL}S:SupannVerrouille:20261120:",
    ])
    func resourceStateDatesRoundTripExactlyAsFDWritesThem(text: String) throws {
        #expect(try SupannResourceStateDate(parsing: text).ldapValue == text)
    }

    @Test func resourceStateDateFieldsAreRead() throws {
        let value = try SupannResourceStateDate(parsing: "{COMPTE}A:SupannActif:20250901:20261031")
        #expect(value.resource == "COMPTE")
        #expect(value.state == .active)
        #expect(value.subState == "SupannActif")
        #expect(value.start == (try Fixtures.date("20250901")))
        #expect(value.end == (try Fixtures.date("20261031")))
        #expect(value.resourceState.ldapValue == "{COMPTE}A:SupannActif")
    }

    @Test(arguments: [("{MAIL}A", "{MAIL}A:::"), ("{MAIL}A:SupannActif", "{MAIL}A:SupannActif::"), ("{COMPTE}A:Sub:20250901", "{COMPTE}A:Sub:20250901:")])
    func shorterValuesAreAcceptedAndPrintedInFDsFourFieldForm(text: String, canonical: String) throws {
        #expect(try SupannResourceStateDate(parsing: text).ldapValue == canonical)
    }

    @Test(arguments: [
        "", "COMPTE:A", "{COMPTE}", "{COMPTE}AA:::", "{COMPTE}A:Sub:2025:20261031", "{COMPTE}A:Sub:20250901:20261331",
        "{COMPTE}A:Sub:20250901:20261031:extra", "{COMPTE}A:Sub:20250901:2026-10-31",
    ])
    func malformedResourceStateDatesAreRejectedWithAReason(text: String) {
        #expect(throws: DomainError.self) { try SupannResourceStateDate(parsing: text) }
    }

    @Test(arguments: [
        (nil as String?, nil as String?, SupannStateSetting.none),
        ("NONE", nil, .none),
        ("None", "None", .none),
        ("none", "A", .none),
        ("", nil, .none),
    ])
    func noneSpellingsMeanNoSupannSetting(resource: String?, state: String?, expected: SupannStateSetting) {
        #expect(SupannStateSetting(resource: resource, state: state, subState: nil, attributePrefix: "p") == expected)
    }

    @Test func usableAndBrokenSettingsAreDistinguished() throws {
        let usable = SupannStateSetting(resource: "COMPTE", state: "A", subState: "SupannActif", attributePrefix: "p")
        #expect(usable.resourceState == (try Fixtures.state("{COMPTE}A:SupannActif")))
        let noState = SupannStateSetting(resource: "COMPTE", state: nil, subState: nil, attributePrefix: "p")
        let longState = SupannStateSetting(resource: "COMPTE", state: "Active", subState: nil, attributePrefix: "p")
        for broken in [noState, longState] {
            guard case let .invalid(reason) = broken else {
                Issue.record("expected .invalid, got \(broken)")
                continue
            }
            #expect(!reason.isEmpty)
            #expect(broken.resourceState == nil)
        }
    }
}
