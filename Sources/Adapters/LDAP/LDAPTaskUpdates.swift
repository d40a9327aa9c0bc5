import Application
import Domain
import Foundation

/// Status and anti-spam writes on FD's entries.
public struct LDAPTaskUpdates: SubTaskStatusWriter, SubTaskRemover, MailSendStamp {
    private let client: LDAPClient
    private let base: DistinguishedName

    public init(client: LDAPClient, base: String) throws {
        self.client = client
        self.base = try DistinguishedName(parsing: base)
    }

    public func setStatus(_ status: SubTaskStatus, ofSubTask dn: String) async throws {
        try await client.modify(dn, [.replace("fdTasksGranularStatus", [status.ldapValue])])
    }

    public func removeSubTask(_ dn: String) async throws {
        do {
            try await client.delete(dn)
        } catch .noSuchObject {
            return
        }
    }

    public func recordMailSent(at date: Date, configuration: FDConfiguration) async throws {
        let dn = FDConfiguration.entryDN(under: base).description
        try await client.modify(dn, [.replace("fdTasksConfLastExecTime", [UnixTime.format(date)])])
    }
}
