import ArgumentParser
import Domain
import Foundation

/// `fusiondirectory-orchestrator-client`: the PHP client's flags (for the cron lines sites
/// already have) and subcommands for people and scripts.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fusiondirectory-orchestrator-client",
        abstract: "Runs FusionDirectory orchestrator operations from cron or a shell, over the orchestrator's REST API.",
        discussion: """
            PHP-client flags: several in one call run in this order: --tasks, --activate, --emails, \
            --lifecycle, --notifications, --reminder, --audit, --remove. --archive, --extractor and \
            --automatic-groups are not run by this orchestrator: they fail with status 2.

            Settings: ORCHESTRATOR_API_URL, ORCHESTRATOR_LOGIN or DSA_LOGIN, ORCHESTRATOR_PASSWORD or \
            DSA_PASS, read from \(ClientSettings.defaultConfigFiles.joined(separator: " then ")) (dotenv; \
            --config FILE reads that file only); the environment overrides the files and flags override \
            both. Proxies: https_proxy, http_proxy, all_proxy, no_proxy (loopback is always direct).

            One login per invocation, logged out at the end. A summary line per operation goes to \
            stderr (--quiet: only problems); --json prints one JSON document per operation on stdout.

            \(ExitStatus.legend)
            """,
        subcommands: [TasksCommand.self, RunCommand.self, RunsCommand.self, SettleCommand.self, RedriveCommand.self]
    )

    @OptionGroup var operations: OperationFlags
    @OptionGroup var options: ClientOptions

    mutating func run() async throws {
        let steps = operations.steps
        guard !steps.isEmpty else {
            throw ClientFailure.usage("nothing to do: give an operation flag (\(RunPlan.legacyFlagList)) or a subcommand (tasks, run, runs, settle, redrive); see --help")
        }
        try await Self.perform(steps, options)
    }

    static func perform(_ steps: [Step], _ options: ClientOptions) async throws {
        let status = await Invocation(options: options, environment: ProcessInfo.processInfo.environment).perform(steps)
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    static func operation(_ text: String) throws -> RunOperation {
        guard let operation = RunOperation(name: text) else {
            throw ClientFailure.usage("unknown operation \(text.debugDescription); use one of \(RunOperation.all.map(\.name).joined(separator: ", "))")
        }
        return operation
    }
}

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "Show the main tasks, the tasks of a kind with their sub-tasks, or one task.")

    @Argument(help: "mail, lifeCycle, notifications, reminder or audit.") var kind: String?
    @Argument(help: "A main task's name (cn).") var name: String?
    @OptionGroup var options: ClientOptions

    mutating func run() async throws {
        try await ClientCommand.perform([.showTasks(kind: kind, name: name)], options)
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run an operation (\(RunOperation.all.map(\.name).joined(separator: ", "))) and show its report.")

    @Argument(help: "The operation, as in PATCH /api/tasks/<operation> (any case).") var operation: String
    @Flag(name: .customLong("dry-run"), help: "Show what would happen, changing nothing.") var dryRun = false
    @Option(name: .customLong("as-of"), help: ArgumentHelp("With --dry-run: judge due-ness at this ISO 8601 instant.", valueName: "date-time"))
    var asOf: String?
    @OptionGroup var options: ClientOptions

    mutating func run() async throws {
        guard asOf == nil || dryRun else { throw ClientFailure.usage("--as-of needs --dry-run") }
        try await ClientCommand.perform([.run(try ClientCommand.operation(operation), dryRun: dryRun, asOf: asOf)], options)
    }
}

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "The run history, newest first; `runs show ID` shows one run with its items.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the latest runs.")

        @Option(help: "Only runs of this operation.") var operation: String?
        @Option(help: "How many runs (the server's default 50).") var limit: Int?
        @OptionGroup var options: ClientOptions

        mutating func run() async throws {
            try await ClientCommand.perform([.listRuns(operation: try operation.map(ClientCommand.operation), limit: limit)], options)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One run with its numbered items.")

        @Argument(help: "The run id.") var id: String
        @OptionGroup var options: ClientOptions

        mutating func run() async throws {
            try await ClientCommand.perform([.showRun(id: id)], options)
        }
    }
}

extension Step.Resolution: ExpressibleByArgument {}

struct RedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Schedule a failed sub-task again (an item that gave up after its retries): the next run applies it with a fresh count of attempts.")

    @Argument(help: "The operation: mail, lifeCycle, notifications, reminder or audit.") var operation: String
    @Argument(help: "The failed sub-task's DN.") var subTask: String
    @OptionGroup var options: ClientOptions

    mutating func run() async throws {
        guard let parsed = RunOperation(name: operation), parsed.kind != nil else {
            throw ClientFailure.usage("redrive: \(operation) is not an operation with sub-tasks (mail, lifeCycle, notifications, reminder, audit)")
        }
        try await ClientCommand.perform([.redrive(parsed, subTask: subTask)], options)
    }
}

struct SettleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Settle an item whose outcome is unknown: `sent` if it did happen (check the relay's log), `resend` to have the next run do it again.")

    @Argument(help: "The run id.") var id: String
    @Argument(help: "The item's number in `runs show ID`, or its sub-task DN.") var item: String
    @Option(name: .customLong("as"), help: "sent or resend.") var resolution: Step.Resolution
    @OptionGroup var options: ClientOptions

    mutating func run() async throws {
        try await ClientCommand.perform([.settle(runID: id, item: item, resolution: resolution)], options)
    }
}
