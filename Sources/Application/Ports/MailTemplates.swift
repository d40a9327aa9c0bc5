import Domain

/// FD's mail templates.
public protocol MailTemplates: Sendable {
    /// The template `cn` under the configured template branch, with its own attachments; nil if absent.
    func template(named cn: String, configuration: FDConfiguration) async throws -> MailTemplate?
}
