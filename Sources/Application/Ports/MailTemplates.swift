import Domain

/// FD's mail templates.
public protocol MailTemplates: Sendable {
    /// The template `cn` under the configured template branch, with its own attachments; nil if absent.
    func template(named cn: String, configuration: FDConfiguration) async throws -> MailTemplate?
}

extension MailTemplates {
    /// The templates of these names, each distinct non-empty name read once; names without a
    /// template are left out (the kinds refuse their sub-tasks with the name).
    public func templates(named names: some Sequence<String>, configuration: FDConfiguration) async throws -> [String: MailTemplate] {
        var templates: [String: MailTemplate] = [:]
        for name in Set(names) where !name.isEmpty {
            templates[name] = try await template(named: name, configuration: configuration)
        }
        return templates
    }
}
