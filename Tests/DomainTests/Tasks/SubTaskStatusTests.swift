import Testing
@testable import Domain

@Suite("SubTaskStatus")
struct SubTaskStatusTests {
    @Test func oneIsScheduledAndTwoIsCompleted() {
        #expect(SubTaskStatus(ldapValue: "1") == .scheduled)
        #expect(SubTaskStatus(ldapValue: "2") == .completed)
        #expect(SubTaskStatus.scheduled.ldapValue == "1")
        #expect(SubTaskStatus.completed.ldapValue == "2")
        #expect(SubTaskStatus.scheduled.name == "scheduled")
        #expect(SubTaskStatus.completed.name == "completed")
    }

    @Test(arguments: ["01", " 1", "1 ", "1.0", "+1", "1e0", "２", "02", "0", "", "true"])
    func looselyEqualValuesAreFailureTextsNotScheduled(value: String) {
        let status = SubTaskStatus(ldapValue: value)
        #expect(status == .failed(value))
        #expect(status.name == "failed")
    }

    @Test func realFailureTextsRoundTrip() {
        let text = "SMTP Error: Could not connect to SMTP host. Failed to connect to server"
        #expect(SubTaskStatus(ldapValue: text).ldapValue == text)
    }

    @Test func failureKeepsOnlyTheFirstLineOfAPHPStackTrace() {
        let trace = """
        {"Ldap Error":"ErrorException: ldap_modify(): Modify: Invalid syntax in /usr/share/php/Tasks/TaskGateway.php:123
        Stack trace:
        #0 [internal function]: ErrorHandler::handleError(2, 'ldap_modify(): ...', '/usr/share/php/...', 123)
        #1 /usr/share/fusiondirectory-orchestrator/library/TaskGateway.php(123): ldap_modify(Object(LDAP\\Connection), 'cn=...', Array)
        #2 {main}"}
        """
        let written = SubTaskStatus.failure(trace).ldapValue
        #expect(!written.contains("\n"))
        #expect(!written.contains("Stack trace"))
        #expect(written.hasPrefix(#"{"Ldap Error":"ErrorException: ldap_modify(): Modify: Invalid syntax"#))
        #expect(written.count <= SubTaskStatus.maximumReasonLength)
    }

    @Test func failureRemovesControlCharactersAndCollapsesSpaces() {
        #expect(SubTaskStatus.failure("  bad\t\tthing\u{7}  happened\r\n").ldapValue == "bad thing happened")
    }

    @Test func failureIsCappedAtThreeHundredCharacters() {
        let written = SubTaskStatus.failure(String(repeating: "x", count: 5000)).ldapValue
        #expect(written.count == 300)
    }

    @Test(arguments: ["1", "2", " 1 ", "", "   ", "\n\n"])
    func failureNeverWritesAStatusFDWouldMisread(reason: String) {
        let written = SubTaskStatus.failure(reason).ldapValue
        #expect(written != "1" && written != "2" && !written.isEmpty)
        #expect(SubTaskStatus(ldapValue: written).name == "failed")
    }

    @Test func failedCaseIsSanitisedWhenWrittenEvenIfBuiltDirectly() {
        #expect(SubTaskStatus.failed("2").ldapValue == "error: 2")
        #expect(SubTaskStatus.failed("a\nb").ldapValue == "a")
    }
}
