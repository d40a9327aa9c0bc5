import Domain
import Foundation

/// The anti-spam clock FusionDirectory shares with every mail-sending run.
public protocol MailSendStamp: Sendable {
    /// fdTasksConfLastExecTime = `date` (Unix seconds) on the FD configuration entry.
    func recordMailSent(at date: Date, configuration: FDConfiguration) async throws
}
