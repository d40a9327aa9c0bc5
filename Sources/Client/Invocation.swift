import Domain
import Foundation

/// One run of the client: resolve the settings, log in once, do the steps in order, log out.
struct Invocation {
    let options: ClientOptions
    let environment: [String: String]

    func perform(_ steps: [Step]) async -> ExitStatus {
        let output = Output(options: options)
        let settings: ClientSettings
        let connection: ServerConnection
        do {
            if let log = options.log, let problem = Output.checkWritable(log) {
                throw ClientFailure.configuration(problem)
            }
            let layers = try ClientSettings.fileLayers(config: options.config)
                + [ClientSettings.Layer(name: "the environment", values: environment)]
            let passwordFile = try options.passwordFile.map { (path: String) throws -> String in
                guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() else {
                    throw ClientFailure.configuration("--password-file \(path): cannot read it")
                }
                return String(decoding: data, as: UTF8.self)
            }
            settings = try ClientSettings.resolve(options: options, layers: layers, environment: environment, passwordFile: passwordFile)
            let debug = options.debug
            connection = try ServerConnection(settings: settings) { line in if debug { Output.stderr("debug: " + line) } }
        } catch {
            return report(error, for: steps, output: output)
        }
        if settings.insecure {
            Output.stderr("WARNING: --insecure: the server's TLS certificate is not verified; anyone on the way can read the password and the tokens")
        }
        let session = Session(connection: connection, user: settings.user, password: settings.password)
        var worst = ExitStatus.ok
        do {
            try await session.logIn()
            for (index, step) in steps.enumerated() {
                let outcome: StepOutcome
                do {
                    outcome = try await Operations(session: session, verbose: options.verbose).perform(step)
                } catch {
                    let failure = Self.failure(error)
                    output.show(.failed(step.name, failure))
                    worst = max(worst, failure.status)
                    // The server is gone or refuses us: the next steps would fail the same way, slowly.
                    if failure.status == .authRefused || failure.status == .unreachable {
                        for skipped in steps[(index + 1)...] {
                            output.show(.failed(skipped.name, ClientFailure(status: failure.status, code: failure.code, message: "not attempted: \(failure.message)")))
                        }
                        break
                    }
                    continue
                }
                output.show(outcome)
                worst = max(worst, outcome.status)
            }
        } catch {
            worst = max(worst, report(error, for: steps, output: output))
        }
        if let warning = await session.logOut() { Output.stderr("warning: \(warning)") }
        await connection.shutdown()
        return worst
    }

    /// Every step gets the failure (one `--json` document each); returns its status.
    private func report(_ error: any Error, for steps: [Step], output: Output) -> ExitStatus {
        let failure = Self.failure(error)
        for step in steps { output.show(.failed(step.name, failure)) }
        return failure.status
    }

    static func failure(_ error: any Error) -> ClientFailure {
        error as? ClientFailure ?? ClientFailure(status: .serverError, code: "client.internal", message: String(describing: error))
    }
}
