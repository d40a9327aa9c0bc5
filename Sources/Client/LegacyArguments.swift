/// The PHP client's command line (`--emails --lifecycle …`), read before ArgumentParser sees it:
/// what this service never runs must fail with a clear message, and `--audit [type]` takes an
/// optional value ArgumentParser cannot express.
enum LegacyArguments {
    /// PHP client flags of operations this orchestrator does not run (their plugins are not part of it).
    static let unsupported: [String: String] = [
        "--archive": "archive",
        "--extractor": "extractor",
        "--automatic-groups": "automaticGroups",
    ]

    /// The arguments ArgumentParser should parse, or the failure to report.
    static func prepare(_ arguments: [String]) throws -> [String] {
        var prepared: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                prepared.append(contentsOf: arguments[index...])
                break
            }
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if let operation = unsupported[name] {
                throw ClientFailure(
                    status: .usage, code: "client.unsupported_operation",
                    message: "\(name): the \(operation) operation is not run by this orchestrator (supported: \(RunPlan.legacyFlagList))"
                )
            }
            prepared.append(argument)
            // PHP: `--audit standard|syslog`. Only FusionDirectory's LDAP audit events are kept here.
            if argument == "--audit", index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
                let type = arguments[index + 1]
                guard type == "standard" else {
                    throw ClientFailure(
                        status: .usage, code: "client.unsupported_operation",
                        message: "--audit \(type): only the standard audit (FusionDirectory's LDAP audit events) is run by this orchestrator"
                    )
                }
                index += 1
            }
            index += 1
        }
        return prepared
    }
}
