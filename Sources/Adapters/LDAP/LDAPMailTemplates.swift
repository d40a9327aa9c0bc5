import Application
import Domain
import Foundation

/// Mail templates under the configured template branch (fdMailTemplateRDN, default
/// `ou=mailTemplate`), each with only its own attachment children (PHP bug §10 #16, #36).
public struct LDAPMailTemplates: MailTemplates {
    private let client: LDAPClient
    private let base: DistinguishedName

    public init(client: LDAPClient, base: String) throws {
        self.client = client
        self.base = try DistinguishedName(parsing: base)
    }

    public func template(named cn: String, configuration: FDConfiguration) async throws -> MailTemplate? {
        let dn = configuration.mailTemplateDN(cn: cn, under: base).description
        guard let entry = try await client.read(dn, filter: .objectClass("fdMailTemplate")) else { return nil }
        let attachments = try await client.search(base: dn, scope: .oneLevel, filter: .objectClass("fdMailAttachments"), attributes: ["cn", "fdMailAttachmentsContent"])
        return MailTemplate(entry: entry, attachmentEntries: attachments)
    }
}
