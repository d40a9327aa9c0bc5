import Domain

/// FD's mail templates.
public protocol MailTemplates: Sendable {
    /// The template `cn` under the configured template branch, with its own attachments; nil if absent.
    func template(named cn: String, configuration: FDConfiguration) async throws -> MailTemplate?
}

/// Writes back to FD's task entries.
public protocol TaskUpdates: Sendable {
    /// Replaces fdTasksGranularStatus of the sub-task.
    func setStatus(_ status: SubTaskStatus, ofSubTask dn: String) async throws
    /// fdTasksConfLastExecTime = `date` (Unix seconds) on the FD configuration entry.
    func recordMailSent(at date: Date, configuration: FDConfiguration) async throws
}

import Foundation
