@testable import OrchestratorClient
import Domain
import Foundation
import Testing

/// The PHP client's command line, read the same way, and the statuses it ends with.
struct ClientArgumentsTests {
    func steps(_ arguments: [String]) throws -> [Step] {
        let command = try ClientCommand.parseAsRoot(try LegacyArguments.prepare(arguments))
        return try #require(command as? ClientCommand).operations.steps
    }

    @Test func severalFlagsRunInTheDocumentedOrderWhateverTheirOrder() throws {
        #expect(try steps(["--remove", "--emails", "--tasks", "--activate", "--reminder", "--audit", "--lifecycle", "--notifications"]) == [
            .listTaskNames, .run(.activateCyclicTasks, dryRun: false, asOf: nil), .run(.kind(.mail), dryRun: false, asOf: nil),
            .run(.kind(.lifeCycle), dryRun: false, asOf: nil), .run(.kind(.notifications), dryRun: false, asOf: nil),
            .run(.kind(.reminder), dryRun: false, asOf: nil), .run(.kind(.audit), dryRun: false, asOf: nil), .run(.removeSubTasks, dryRun: false, asOf: nil),
        ])
    }

    @Test func theFusionDirectory14SpellingsStillWork() throws {
        #expect(try steps(["-m", "--lifeCycle", "--activateCyclicTasks"]) == [
            .run(.activateCyclicTasks, dryRun: false, asOf: nil), .run(.kind(.mail), dryRun: false, asOf: nil), .run(.kind(.lifeCycle), dryRun: false, asOf: nil),
        ])
    }

    @Test func theLogPathAndVerbosityAreOptionsNotOperations() throws {
        let command = try #require(try ClientCommand.parseAsRoot(["--emails", "--verbose", "--debug", "--log", "/tmp/o.log"]) as? ClientCommand)
        #expect(command.options.log == "/tmp/o.log")
        #expect(command.options.verbose && command.options.debug)
        #expect(command.operations.steps == [.run(.kind(.mail), dryRun: false, asOf: nil)])
    }

    @Test(arguments: ["--archive", "--extractor", "--automatic-groups", "--automatic-groups=dynamic-group"])
    func operationsThisServiceDoesNotRunFailAsUsageErrors(_ flag: String) {
        do {
            _ = try LegacyArguments.prepare(["--emails", flag])
            Issue.record("\(flag) was accepted")
        } catch {
            let failure = error as? ClientFailure
            #expect(failure?.status == .usage)
            #expect(failure?.message.contains("is not run by this orchestrator") == true)
        }
    }

    @Test func theStandardAuditTypeIsAcceptedAndOthersAreNot() throws {
        #expect(try LegacyArguments.prepare(["--audit", "standard", "--emails"]) == ["--audit", "--emails"])
        #expect(throws: ClientFailure.self) { try LegacyArguments.prepare(["--audit", "syslog"]) }
    }

    @Test func argumentParserUsageErrorsExitWithStatusTwo() async {
        #expect(await Entry.status(for: ["--no-such-flag"]) == ExitStatus.usage.rawValue)
        #expect(await Entry.status(for: []) == ExitStatus.usage.rawValue)
        #expect(await Entry.status(for: ["run", "archive", "--config", "/dev/null"]) == ExitStatus.usage.rawValue)
        #expect(await Entry.status(for: ["--help"]) == ExitStatus.ok.rawValue)
    }

    @Test func aRunFailsWhenAnItemFailedWouldFailOrIsUnknownButNotWhenDeferredOrSkipped() {
        #expect(RunSummary.status(of: ["due": 3, "applied": 3]) == .ok)
        #expect(RunSummary.status(of: ["due": 3, "deferred": 2, "skipped": 1]) == .ok)
        #expect(RunSummary.status(of: ["failed": 1]) == .itemsFailed)
        #expect(RunSummary.status(of: ["unknown": 1]) == .itemsFailed)
        #expect(RunSummary.status(of: ["wouldFail": 1]) == .itemsFailed)
    }

    @Test func theSummaryLineCountsDoneItemsTogether() {
        let report: [String: Any] = [
            "runId": "r1", "dryRun": false, "summary": ["due": 4, "applied": 2, "alreadyApplied": 1, "notNeeded": 0, "failed": 1, "unknown": 0, "skipped": 0],
            "skippedReason": NSNull(), "items": [["subtask": "cn=a", "target": "x@y", "outcome": "failed", "detail": "550 no"]],
        ]
        #expect(RunSummary.line(operation: "mail", report: report) == "mail: due 4 · done 3 · failed 1 · unknown 0 · skipped 0 (run r1)")
        #expect(RunSummary.itemLines(report) == ["1. failed  cn=a → x@y: 550 no"])
    }

    @Test func theHighestStatusWins() {
        #expect([ExitStatus.itemsFailed, .serverError, .ok].max() == .serverError)
        #expect(ExitStatus.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5])
    }
}
