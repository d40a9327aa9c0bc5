import Application
import Domain
import Foundation

/// FusionDirectory in memory: sub-tasks, templates, the configuration entry, and every write.
actor FakeDirectory: TaskDirectory, SubTaskStatusWriter, SubTaskRemover, MailSendStamp, MailTemplates, CompletedSubTasks, BulkDeleter {
    private var entries: [String: [String: [String]]] = [:]
    private(set) var templates: [String: MailTemplate] = [:]
    var tasks = TasksConfiguration(maxEmails: 0)
    /// Every status write, in order.
    private(set) var statusWrites: [(dn: String, value: String)] = []
    private(set) var mailStamps: [Date] = []
    /// Called after each status write (lets a test renew a sub-task or delete it).
    private var afterStatusWrite: (@Sendable (String) async -> Void)?
    /// Sub-task reads that fail (to test a failing directory).
    var failReads = false

    static let master = "cn=welcome,ou=tasks,dc=example,dc=org"

    /// Adds a due mail sub-task with these recipients; returns its DN.
    @discardableResult
    func addMailSubTask(_ name: String, recipients: [String], template: String? = "plain", from sender: String? = "it@example.org", status: String = "1") -> String {
        let dn = "cn=\(name),ou=tasks,dc=example,dc=org"
        var attributes: [String: [String]] = [
            "cn": [name], "fdTasksGranularMaster": [Self.master], "fdTasksGranularType": ["Mail Object"],
            "fdTasksGranularSchedule": ["20261102100000"], "fdTasksGranularStatus": [status], "fdTasksGranularMail": recipients,
        ]
        if let template { attributes["fdTasksGranularRef"] = [template] }
        if let sender { attributes["fdTasksGranularMailFrom"] = [sender] }
        entries[dn] = attributes
        return dn
    }

    func addTemplate(_ cn: String = "plain", subject: String = "Hello", body: String = "Body", signature: String? = nil) {
        templates[cn] = MailTemplate(cn: cn, subject: subject, body: body, signature: signature, readReceipt: false, attachments: [])
    }

    /// Adds a due sub-task of any kind (`type` as FD writes fdTasksGranularType); returns its DN.
    @discardableResult
    func addSubTask(_ name: String, type: String, master: String, _ attributes: [String: [String]]) -> String {
        let dn = "cn=\(name),ou=tasks,dc=example,dc=org"
        entries[dn] = attributes.merging([
            "cn": [name], "fdTasksGranularMaster": [master], "fdTasksGranularType": [type],
            "fdTasksGranularSchedule": ["20261102100000"], "fdTasksGranularStatus": ["1"],
        ]) { own, _ in own }
        return dn
    }

    func setStatusInFD(_ value: String, of dn: String) {
        entries[dn]?["fdTasksGranularStatus"] = [value]
    }

    func remove(_ dn: String) {
        entries[dn] = nil
    }

    func onStatusWrite(_ hook: (@Sendable (String) async -> Void)?) {
        afterStatusWrite = hook
    }

    func status(of dn: String) -> String? {
        entries[dn]?["fdTasksGranularStatus"]?.first
    }

    // MARK: TaskDirectory

    /// fdTimezone.
    private var zone = DirectoryTimeZone.utc

    func setZone(_ zone: TimeZone) {
        self.zone = zone
    }

    func configuration() -> FDConfiguration {
        FDConfiguration(timeZone: .success(DirectoryTimeZone(zone: zone)), tasks: tasks)
    }

    private var mains: [String: [String: [String]]] = [:]

    /// Adds a main task entry (attributes as FD writes them); returns its DN.
    @discardableResult
    func addMainTask(_ cn: String, _ attributes: [String: [String]]) -> String {
        let dn = "cn=\(cn),ou=tasks,dc=example,dc=org"
        mains[dn] = attributes.merging(["cn": [cn]]) { a, _ in a }
        return dn
    }

    /// Adds a due Life Cycle sub-task of `master` for `user`; returns its DN.
    @discardableResult
    func addLifeCycleSubTask(_ name: String, master: String, user: String?) -> String {
        let dn = "cn=\(name),ou=tasks,dc=example,dc=org"
        var attributes: [String: [String]] = [
            "cn": [name], "fdTasksGranularMaster": [master], "fdTasksGranularType": ["Life Cycle"],
            "fdTasksGranularSchedule": ["20261102100000"], "fdTasksGranularStatus": ["1"],
        ]
        if let user { attributes["fdTasksGranularDN"] = [user] }
        entries[dn] = attributes
        return dn
    }

    /// Adds a sub-task of any type and status; returns its DN.
    @discardableResult
    func addSubTask(_ name: String, type: String, master: String, status: String = "1", schedule: String = "20261102100000") -> String {
        let dn = "cn=\(name),ou=tasks,dc=example,dc=org"
        entries[dn] = [
            "cn": [name], "fdTasksGranularMaster": [master], "fdTasksGranularType": [type],
            "fdTasksGranularSchedule": [schedule], "fdTasksGranularStatus": [status],
        ]
        return dn
    }

    var exists: Set<String> { Set(entries.keys) }

    // MARK: CompletedSubTasks, BulkDeleter

    var completedPageSize = 2
    /// Deletes of these DNs are refused for good.
    var refusedDeletes: Set<String> = []
    /// Called with each page before it is handed over (lets a test renew a sub-task in between).
    var beforePage: (@Sendable ([String]) async -> Void)?

    func refuseDelete(_ dn: String) { refusedDeletes.insert(dn) }
    func onCompletedPage(_ hook: (@Sendable ([String]) async -> Void)?) { beforePage = hook }

    func forEachPage(_ body: @escaping @Sendable ([SubTask], any BulkDeleter) async throws -> Void) async throws {
        if failReads { throw DirectoryError.unavailable("slapd is down") }
        let completed = entries.filter { $0.value["fdTasksGranularStatus"]?.contains("2") == true }.keys.sorted()
        var index = 0
        while index < completed.count {
            let dns = Array(completed[index..<min(index + completedPageSize, completed.count)])
            index += completedPageSize
            let page = dns.compactMap { dn in entries[dn].map { SubTask(entry: DirectoryEntry(dn: dn, stringAttributes: $0)) } }
            if let beforePage { await beforePage(dns) }
            try await body(page, self)
        }
    }

    func delete(_ dns: [String]) -> [DeletionResult] {
        dns.map { dn in
            guard let entry = entries[dn] else { return .alreadyGone }
            if refusedDeletes.contains(dn) { return .failed(.rejected(code: 50, message: "delete: Insufficient access (50)")) }
            // As the LDAP adapter's assertion: only while the status is still 2.
            guard entry["fdTasksGranularStatus"] == ["2"] else { return .changed }
            entries[dn] = nil
            return .deleted
        }
    }

    func setLastExec(_ value: String, of dn: String) {
        mains[dn]?["fdTasksLastExec"] = [value]
    }

    func mainTasks(kind: TaskKind?) -> [MainTask] {
        mains.map { MainTask(entry: DirectoryEntry(dn: $0.key, stringAttributes: $0.value)) }.filter { kind == nil || $0.kind == kind }
    }

    func subTasks(kind: TaskKind?) throws -> [SubTask] {
        if failReads { throw DirectoryError.unavailable("slapd is down") }
        return entries.map { SubTask(entry: DirectoryEntry(dn: $0.key, stringAttributes: $0.value)) }
            .filter { kind == nil || $0.kind == kind }
    }

    func mainTask(named name: String, kind: TaskKind) -> MainTask? { nil }

    func subTasks(ofMaster masterDN: String) throws -> [SubTask] {
        try subTasks(kind: nil).filter { $0.master == masterDN }
    }

    func subTask(at dn: String) -> SubTask? {
        entries[dn].map { SubTask(entry: DirectoryEntry(dn: dn, stringAttributes: $0)) }
    }

    // MARK: SubTaskStatusWriter, MailSendStamp, MailTemplates

    func setStatus(_ status: SubTaskStatus, ofSubTask dn: String) async throws {
        guard entries[dn] != nil else { throw DirectoryError.noSuchObject(dn: dn) }
        entries[dn]?["fdTasksGranularStatus"] = [status.ldapValue]
        statusWrites.append((dn, status.ldapValue))
        if let afterStatusWrite { await afterStatusWrite(dn) }
    }

    private(set) var removed: [String] = []

    func removeSubTask(_ dn: String) {
        entries[dn] = nil
        removed.append(dn)
    }

    func recordMailSent(at date: Date, configuration: FDConfiguration) {
        mailStamps.append(date)
        tasks = TasksConfiguration(maxEmails: tasks.maxEmails, intervalMinutes: tasks.intervalMinutes, lastExecTime: date)
    }

    func template(named cn: String, configuration: FDConfiguration) -> MailTemplate? {
        templates[cn]
    }
}
