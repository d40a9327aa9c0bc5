/// What the orchestrator reads from FD's configuration entry
/// `cn=config,ou=fusiondirectory,<BASE>` (spec §2): the zone, the anti-spam settings and
/// the RDNs under which FD keeps templates, tasks and audit events.
///
/// PHP ignored fdTasksRDN / fdMailTemplateRDN and hard-coded `ou=mailTemplate` (spec §2, §10
/// #36); we honour them, with FD's defaults when absent.
public struct FDConfiguration: Sendable, Equatable {
    /// The DN of the configuration entry relative to the LDAP base.
    public static let relativeDN = DistinguishedName(rdns: [.init("cn", "config"), .init("ou", "fusiondirectory")])
    public static let defaultMailTemplateRDN = DistinguishedName(rdns: [.init("ou", "mailTemplate")])
    public static let defaultTasksRDN = DistinguishedName(rdns: [.init("ou", "tasks")])
    public static let defaultAuditRDN = DistinguishedName(rdns: [.init("ou", "audit")])

    /// fdTimezone: a zone, UTC with a note when unset, or the error for an unknown zone.
    /// Kept as a `Result` so each caller decides whether a bad zone stops it.
    public var timeZone: Result<DirectoryTimeZone, DomainError>
    public var tasks: TasksConfiguration
    /// fdMailTemplateRDN (default `ou=mailTemplate`).
    public var mailTemplateRDN: DistinguishedName
    /// fdTasksRDN (default `ou=tasks`).
    public var tasksRDN: DistinguishedName
    /// fdAuditRDN (default `ou=audit`).
    public var auditRDN: DistinguishedName
    public var problems: [String]

    public init(
        timeZone: Result<DirectoryTimeZone, DomainError> = .success(DirectoryTimeZone(zone: DirectoryTimeZone.utc)),
        tasks: TasksConfiguration = TasksConfiguration(),
        mailTemplateRDN: DistinguishedName = defaultMailTemplateRDN,
        tasksRDN: DistinguishedName = defaultTasksRDN,
        auditRDN: DistinguishedName = defaultAuditRDN,
        problems: [String] = []
    ) {
        self.timeZone = timeZone
        self.tasks = tasks
        self.mailTemplateRDN = mailTemplateRDN
        self.tasksRDN = tasksRDN
        self.auditRDN = auditRDN
        self.problems = problems
    }

    /// Reads the configuration entry; never throws, unreadable values fall back to FD's
    /// defaults and are listed in `problems`.
    public init(entry: DirectoryEntry) {
        var reader = EntryReader(entry)
        let zoneText = reader.single("fdTimezone")
        do throws(DomainError) {
            timeZone = .success(try DirectoryTimeZone(fdTimezone: zoneText))
        } catch {
            timeZone = .failure(error)
            reader.report(error, attribute: "fdTimezone")
        }
        tasks = TasksConfiguration(reading: &reader)
        mailTemplateRDN = Self.rdn(&reader, "fdMailTemplateRDN") ?? Self.defaultMailTemplateRDN
        tasksRDN = Self.rdn(&reader, "fdTasksRDN") ?? Self.defaultTasksRDN
        auditRDN = Self.rdn(&reader, "fdAuditRDN") ?? Self.defaultAuditRDN
        problems = reader.problems
    }

    private static func rdn(_ reader: inout EntryReader, _ attribute: String) -> DistinguishedName? {
        reader.parsed(attribute) { value throws(DomainError) in
            let name: DistinguishedName
            do throws(DomainError) {
                name = try DistinguishedName(parsing: value)
            } catch {
                throw .invalidValue(attribute: attribute, value: value, reason: "not a relative DN: \(error.message)")
            }
            guard !name.isRoot else {
                throw .invalidValue(attribute: attribute, value: value, reason: "must not be empty")
            }
            return name
        }
    }

    /// `<fdMailTemplateRDN>,<base>`.
    public func mailTemplateBase(under base: DistinguishedName) -> DistinguishedName {
        mailTemplateRDN.under(base)
    }

    /// The template entry for a template cn, escaped properly (PHP pasted the cn raw, §10 #36).
    public func mailTemplateDN(cn: String, under base: DistinguishedName) -> DistinguishedName {
        mailTemplateBase(under: base).child("cn", cn)
    }

    /// `<fdTasksRDN>,<base>`.
    public func tasksBase(under base: DistinguishedName) -> DistinguishedName {
        tasksRDN.under(base)
    }

    /// `<fdAuditRDN>,<base>`.
    public func auditBase(under base: DistinguishedName) -> DistinguishedName {
        auditRDN.under(base)
    }

    /// `cn=config,ou=fusiondirectory,<base>`.
    public static func entryDN(under base: DistinguishedName) -> DistinguishedName {
        relativeDN.under(base)
    }
}
