@testable import OrchestratorClient
import Foundation
import Testing

/// What an HTTP answer means for the exit status, whoever answered.
struct ServerAnswerTests {
    func answer(_ status: Int, _ body: String = "", location: String? = nil) -> Answer {
        Answer(status: status, body: Data(body.utf8), location: location)
    }

    @Test func anOperationTheServerDoesNotRunYetIsAUsageErrorWithItsMessage() {
        let failure = Session.failure(
            answer(404, #"{"error":{"code":"task.not_implemented","message":"running audit is not available in this version yet"}}"#),
            doing: "PATCH /api/tasks/audit"
        )
        #expect(failure.status == .usage)
        #expect(failure.code == "task.not_implemented")
        #expect(failure.message == "this server does not run that operation yet: running audit is not available in this version yet")
    }

    @Test func aNotFoundWithoutTheOrchestratorsBodyMeansTheURLIsWrong() {
        let failure = Session.failure(answer(404, "<html>Not Found</html>"), doing: "POST /api/login")
        #expect(failure.status == .usage)
        #expect(failure.message.contains("is ORCHESTRATOR_API_URL the orchestrator's address?"))
    }

    @Test func aRedirectIsNeverFollowedAndNamesWhereItLeads() {
        let failure = Session.failure(answer(301, location: "https://fd.example.org/orchestrator/api/login"), doing: "POST /api/login")
        #expect(failure.status == .usage)
        #expect(failure.message.contains("https://fd.example.org/orchestrator/api/login"))
    }

    @Test func serverErrorsAndRefusalsKeepTheServersCodeAndMessage() {
        let unavailable = Session.failure(answer(503, #"{"error":{"code":"ldap.unavailable","message":"the directory does not answer"}}"#), doing: "PATCH /api/tasks/mail")
        #expect(unavailable.status == .serverError)
        #expect(unavailable.code == "ldap.unavailable")
        #expect(unavailable.message == "PATCH /api/tasks/mail: HTTP 503: the directory does not answer")
        // The PHP orchestrator's bodies are {"message": …}.
        let refused = Session.failure(answer(401, #"{"message":"invalid authentication"}"#), doing: "GET /api/tasks")
        #expect(refused.status == .authRefused)
        #expect(refused.message == "GET /api/tasks: refused: invalid authentication")
    }

    @Test func aConfigFileThatCannotBeReadIsAConfigurationError() {
        do {
            _ = try ClientSettings.fileLayers(config: "/nonexistent/orchestrator.conf")
            Issue.record("read a file that does not exist")
        } catch {
            #expect((error as? ClientFailure)?.status == .usage)
            #expect((error as? ClientFailure)?.message == "configuration file: cannot read /nonexistent/orchestrator.conf")
        }
    }

    @Test func withoutConfigOnlyTheDefaultFilesThatExistAreRead() throws {
        #expect(try ClientSettings.fileLayers(config: nil, exists: { _ in false }).isEmpty)
    }
}
