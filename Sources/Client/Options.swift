import ArgumentParser
import Domain

/// Where the server is, who logs in, and how the answers are shown: shared by the PHP-style
/// flags and every subcommand.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Read the settings from this dotenv file only (default: \(ClientSettings.defaultConfigFiles.joined(separator: " and ")), when they exist).",
        valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The orchestrator's address, with or without /orchestrator (overrides ORCHESTRATOR_API_URL).", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("The DSA to log in as (overrides ORCHESTRATOR_LOGIN / DSA_LOGIN).", valueName: "name"))
    var user: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp(
        "Read the DSA password from this file's first line (overrides ORCHESTRATOR_PASSWORD / DSA_PASS; never give it on the command line).",
        valueName: "path"))
    var passwordFile: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for a connection and for each answer (\(ClientSettings.defaultTimeout)).", valueName: "seconds"))
    var timeout: Int?

    @Option(name: .long, help: ArgumentHelp("Also trust the CA certificates of this PEM file for the server's certificate.", valueName: "path"))
    var cacert: String?

    @Flag(name: .long, help: "Do not verify the server's TLS certificate (a warning is printed at every run).")
    var insecure = false

    @Flag(name: .long, help: "Print one JSON document per operation on stdout (the run report, or {\"operation\",\"error\",\"exitStatus\"}).")
    var json = false

    @Flag(name: [.customLong("quiet"), .customShort("q")], help: "Print nothing on stderr for operations that succeed (problems are still printed).")
    var quiet = false

    @Flag(name: [.customLong("verbose"), .customShort("v")], help: "Also print every item of a run on stderr.")
    var verbose = false

    @Flag(name: .long, help: "Also print each HTTP exchange (method, URL, status, time) on stderr; never a token or a password.")
    var debug = false

    @Option(name: .long, help: ArgumentHelp("Append one JSON line per operation (time, operation, status, summary, runId) to this file.", valueName: "path"))
    var log: String?
}

/// The PHP client's operation flags. Several in one call run in this order, whatever their
/// order on the command line: tasks, activate, emails, lifecycle, notifications, reminder, audit,
/// remove (cyclic tasks are activated before their sub-tasks run; completed ones go last).
struct OperationFlags: ParsableArguments {
    @Flag(name: [.customLong("tasks"), .customShort("t")], help: "Print the names of the main tasks (GET /api/tasks).")
    var tasks = false

    @Flag(name: [.customLong("activate"), .customLong("activateCyclicTasks"), .customShort("a")], help: "Activate the cyclic tasks whose period has passed (activateCyclicTasks).")
    var activate = false

    @Flag(name: [.customLong("emails"), .customShort("m")], help: "Send the due mail sub-tasks (mail).")
    var emails = false

    @Flag(name: [.customLong("lifecycle"), .customLong("lifeCycle"), .customShort("c")], help: "Run the due Life Cycle sub-tasks (lifeCycle).")
    var lifecycle = false

    @Flag(name: .long, help: "Send the due change notifications (notifications).")
    var notifications = false

    @Flag(name: .long, help: "Send the due expiry reminders (reminder).")
    var reminder = false

    @Flag(name: .long, help: "Delete the audit events past their retention (audit; `--audit standard` is accepted).")
    var audit = false

    @Flag(name: [.customLong("remove"), .customShort("r")], help: "Remove the completed sub-tasks (removeSubTasks).")
    var remove = false

    var steps: [Step] {
        var steps: [Step] = []
        if tasks { steps.append(.listTaskNames) }
        let operations: [(Bool, RunOperation)] = [
            (activate, .activateCyclicTasks), (emails, .kind(.mail)), (lifecycle, .kind(.lifeCycle)),
            (notifications, .kind(.notifications)), (reminder, .kind(.reminder)), (audit, .kind(.audit)), (remove, .removeSubTasks),
        ]
        for (wanted, operation) in operations where wanted { steps.append(.run(operation, dryRun: false, asOf: nil)) }
        return steps
    }
}
