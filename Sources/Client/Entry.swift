import ArgumentParser
import Foundation

/// Parses the command line and turns every way out into one of the documented statuses:
/// ArgumentParser's own usage errors (64) become 2, and no error leaves as a stack trace.
@main
enum Entry {
    static func main() async {
        exit(await status(for: Array(CommandLine.arguments.dropFirst())))
    }

    static func status(for arguments: [String]) async -> Int32 {
        do {
            var command = try ClientCommand.parseAsRoot(try LegacyArguments.prepare(arguments))
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return ExitStatus.ok.rawValue
        } catch let code as ExitCode {
            return code.rawValue
        } catch let failure as ClientFailure {
            Output.stderr("fusiondirectory-orchestrator-client: \(failure.message)")
            return failure.status.rawValue
        } catch {
            let code = ClientCommand.exitCode(for: error)
            if code == .success {
                Output.stdout(ClientCommand.fullMessage(for: error))
                return ExitStatus.ok.rawValue
            }
            Output.stderr(ClientCommand.fullMessage(for: error))
            return ExitStatus.usage.rawValue
        }
    }
}
