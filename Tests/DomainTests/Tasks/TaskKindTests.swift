import Testing
@testable import Domain

@Suite("TaskKind")
struct TaskKindTests {
    @Test(arguments: [
        (TaskKind.mail, "Mail Object", "fdTasksMail"),
        (.lifeCycle, "Life Cycle", "fdTasksLifeCycle"),
        (.notifications, "Notifications", "fdTasksNotifications"),
        (.reminder, "Reminder", "fdTasksReminder"),
        (.audit, "Audit", "fdAuditTasks"),
    ])
    func eachKindHasFDsExactTypeStringAndClass(kind: TaskKind, type: String, objectClass: String) {
        #expect(kind.granularType == type)
        #expect(kind.objectClass == objectClass)
        #expect(TaskKind(granularType: type) == kind)
        #expect(TaskKind(objectClasses: ["fdTasks", objectClass]) == kind)
        #expect(TaskKind(objectClasses: ["FDTASKS", objectClass.uppercased()]) == kind)
    }

    @Test(arguments: [
        ("mail", TaskKind.mail), ("MAIL", .mail), ("Mail", .mail),
        ("lifeCycle", .lifeCycle), ("lifecycle", .lifeCycle), ("LIFECYCLE", .lifeCycle),
        ("notifications", .notifications), ("Notifications", .notifications),
        ("reminder", .reminder), ("REMINDER", .reminder),
        ("audit", .audit), ("Audit", .audit),
    ])
    func pathComponentsAreCaseInsensitive(segment: String, kind: TaskKind) {
        #expect(TaskKind(pathComponent: segment) == kind)
    }

    @Test(arguments: ["", "Ldap", "tasks", "mail ", "life-cycle", "removeSubTasks", "activateCyclicTasks", "../Mail", "Mail.php"])
    func unknownPathComponentsResolveToNothing(segment: String) {
        #expect(TaskKind(pathComponent: segment) == nil)
    }

    @Test(arguments: ["mail object", "Mail object", "MAIL OBJECT", "LifeCycle", "Life cycle", "lifeCycle", "reminder", "audit", "Audit ", ""])
    func granularTypeIsCaseExact(type: String) {
        #expect(TaskKind(granularType: type) == nil)
    }

    @Test func objectClassesWithNoOrSeveralKindsGiveNoKind() {
        #expect(TaskKind(objectClasses: ["fdTasks"]) == nil)
        #expect(TaskKind(objectClasses: ["fdTasks", "fdTasksMail", "fdAuditTasks"]) == nil)
        #expect(TaskKind(objectClasses: []) == nil)
    }

    @Test func rawValuesAreTheClientsPathSegments() {
        #expect(TaskKind.allCases.map(\.rawValue) == ["mail", "lifeCycle", "notifications", "reminder", "audit"])
    }
}
