import Application
import Domain

/// Completed sub-tasks (`fdTasksGranularStatus=2`, spec §3.2, §8.7), searched from the base.
/// Each delete asserts the status is still `2` (RFC 4528), so a sub-task FD renewed between the
/// search and the delete is kept.
public struct LDAPCompletedSubTasks: CompletedSubTasks {
    private let client: LDAPClient
    private let base: String

    public init(client: LDAPClient, base: String) {
        self.client = client
        self.base = base
    }

    static let completed = LDAPFilter.equal("fdTasksGranularStatus", SubTaskStatus.completed.ldapValue)

    public func forEachPage(_ body: @escaping @Sendable ([SubTask], any BulkDeleter) async throws -> Void) async throws {
        try await client.forEachPageDeleting(
            base: base, filter: .and([.objectClass("fdTasksGranular"), Self.completed]),
            attributes: ["cn", "fdTasksGranularMaster", "fdTasksGranularType", "fdTasksGranularStatus"], deleteAsserting: Self.completed
        ) { entries, deleter in
            try await body(entries.map(SubTask.init(entry:)), deleter)
        }
    }
}
