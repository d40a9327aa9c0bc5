/// `fdTasksLifeCycle`: move users from one supann state to another once it has ended
/// (spec §1.1, §8.2).
public struct LifeCycleSettings: Sendable, Equatable {
    /// The state a user must be in (Pre Resource/State MUST, SubState MAY). Nil when unusable.
    public var pre: SupannResourceState?
    /// The state to write (Post Resource/State MUST, SubState MAY). Nil when unusable.
    public var post: SupannResourceState?
    /// fdTasksLifeCyclePostEndDate: days added to the old end date (FD's default `0`).
    public var postEndDays: Int
    /// fdTasksLifeCycleMembers: DNs chosen in FD (users, groups, roles).
    public var members: [String]
    /// fdTasksLifeCycleListOfDN: the expanded user DNs.
    public var listOfDN: [String]

    public init(
        pre: SupannResourceState?, post: SupannResourceState?, postEndDays: Int = 0,
        members: [String] = [], listOfDN: [String] = []
    ) {
        self.pre = pre
        self.post = post
        self.postEndDays = postEndDays
        self.members = members
        self.listOfDN = listOfDN
    }

    init(reading reader: inout EntryReader) {
        self.init(
            pre: Self.readState(&reader, prefix: "fdTasksLifeCyclePre"),
            post: Self.readState(&reader, prefix: "fdTasksLifeCyclePost"),
            postEndDays: reader.dayCount("fdTasksLifeCyclePostEndDate") ?? 0,
            members: reader.list("fdTasksLifeCycleMembers"),
            listOfDN: reader.list("fdTasksLifeCycleListOfDN")
        )
    }

    /// The rule the Life Cycle run applies, when both states are usable.
    public var rule: LifeCycleRule? {
        guard let pre, let post else { return nil }
        return LifeCycleRule(pre: pre, post: post, postEndDays: postEndDays)
    }

    private static func readState(_ reader: inout EntryReader, prefix: String) -> SupannResourceState? {
        let resource = reader.text("\(prefix)Resource", required: true)
        let state = reader.text("\(prefix)State", required: true)
        let subState = reader.text("\(prefix)SubState")
        guard let resource, let state else { return nil }
        do throws(DomainError) {
            let letter = try SupannState(text: state, attribute: "\(prefix)State")
            return try SupannResourceState(resource: resource, state: letter, subState: subState)
        } catch {
            reader.report(error, attribute: "\(prefix)State")
            return nil
        }
    }
}
