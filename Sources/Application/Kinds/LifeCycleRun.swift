import Domain
import Foundation

/// `PATCH /api/tasks/lifeCycle`: moves each due sub-task's user from the main task's pre-state to
/// its post-state once the pre-state has ended (spec §8.2), then asks FusionDirectory to refresh
/// the user so its hooks (lock, unlock) run.
///
/// Two steps, each done once: the LDAP rewrite deletes the exact old values (a replay finds them
/// gone and changes nothing), and a checkpoint records it before the FD refresh, so a refresh
/// that fails is retried alone on later runs, never the rewrite.
public struct LifeCycleRun: KindRun {
    public struct Plan: Sendable {
        let mainTasks: [DistinguishedName: MainTask]
        let asOf: Date
        let zone: TimeZone
    }

    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let accounts: any SupannAccounts
        public let fusionDirectory: any FusionDirectoryAPI
        /// Attempts at the FD refresh before the sub-task fails with FD's error.
        public let refreshAttempts: Int

        public init(directory: any TaskDirectory, accounts: any SupannAccounts, fusionDirectory: any FusionDirectoryAPI, refreshAttempts: Int = 5) {
            self.directory = directory
            self.accounts = accounts
            self.fusionDirectory = fusionDirectory
            self.refreshAttempts = max(1, refreshAttempts)
        }
    }

    /// What an item already did, kept in the journal between attempts.
    struct Progress: Codable, Equatable {
        let oldDate: String
        let newDate: String
        var rewritten: Bool
    }

    private let deps: Dependencies
    public let kind = TaskKind.lifeCycle
    /// Both steps are safe to replay: the rewrite checks the old values, the refresh is a no-op save.
    public let replay = ReplayPolicy.retry

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func plan(_ context: RunContext, due: [SubTask]) async throws -> RunPlan<Plan> {
        var mainTasks: [DistinguishedName: MainTask] = [:]
        if !due.isEmpty {
            for task in try await deps.directory.mainTasks(kind: .lifeCycle) {
                if let dn = task.distinguishedName { mainTasks[dn] = task }
            }
        }
        return RunPlan(Plan(mainTasks: mainTasks, asOf: context.asOf, zone: context.zone))
    }

    public func targets(of subTask: SubTask, in plan: Plan) -> Result<[String], WorkRefusal> {
        guard let master = subTask.master, let dn = try? DistinguishedName(parsing: master), let main = plan.mainTasks[dn] else {
            return .failure(WorkRefusal("main task \(subTask.master ?? "(none)") not found"))
        }
        guard case .lifeCycle(let settings) = main.settings, settings.rule != nil else {
            return .failure(WorkRefusal("the main task has no usable pre and post states"))
        }
        guard let user = subTask.targetDN, !user.isEmpty else {
            return .failure(WorkRefusal("no user: fdTasksGranularDN is empty", summary: "no user"))
        }
        return .success([user])
    }

    public func apply(_ item: WorkItem, in plan: Plan) async -> WorkOutcome {
        guard let master = item.subTask.master, let dn = try? DistinguishedName(parsing: master),
              case .lifeCycle(let settings)? = plan.mainTasks[dn]?.settings, let rule = settings.rule else {
            return .failed("the main task has no usable pre and post states")
        }
        let user = item.key.target
        var progress = item.progress.flatMap { try? JSONDecoder().decode(Progress.self, from: Data($0.utf8)) }
        do {
            if progress?.rewritten != true {
                switch try await rewrite(user, rule: rule, plan: plan, planned: progress, item: item) {
                case .done(let done): progress = done
                case .stop(let outcome): return outcome
                }
            }
        } catch {
            return .deferred(ServiceError.from(error, doing: "the rewrite").message)
        }
        return await refresh(user, item: item, progress: progress)
    }

    public func preview(_ item: WorkItem, in plan: Plan) async -> (RunReport.Outcome, String?) {
        guard let master = item.subTask.master, let dn = try? DistinguishedName(parsing: master),
              case .lifeCycle(let settings)? = plan.mainTasks[dn]?.settings, let rule = settings.rule else {
            return (.wouldFail, "the main task has no usable pre and post states")
        }
        let user = item.key.target
        do {
            guard let account = try await deps.accounts.account(at: user) else { return (.wouldFail, "user \(user) not found") }
            guard account.isSupannPerson else { return (.wouldFail, "user \(user) is not a supannPerson") }
            switch rule.decide(values: account.stateDates, now: plan.asOf, in: plan.zone) {
            case .noChangeNeeded: return (.notNeeded, "nothing to change: the sub-task would be removed")
            case .cannotApply(let reason): return (.wouldFail, reason)
            case .rewrite(let values, let changed): return (.wouldApply, "\(account.stateDates[changed]) → \(values[changed].ldapValue)")
            }
        } catch {
            return (.wouldFail, ServiceError.from(error, doing: "reading the user").message)
        }
    }

    private enum Step {
        case done(Progress)
        case stop(WorkOutcome)
    }

    /// The LDAP step: decide, checkpoint the plan, one exact modify, checkpoint the result.
    private func rewrite(_ user: String, rule: LifeCycleRule, plan: Plan, planned: Progress?, item: WorkItem) async throws -> Step {
        guard let account = try await deps.accounts.account(at: user) else { return .stop(.failed("user \(user) not found")) }
        guard account.isSupannPerson else { return .stop(.failed("user \(user) is not a supannPerson")) }
        // A crash between the modify and its checkpoint: the planned new value is there, the old gone.
        if let planned, account.stateDates.contains(planned.newDate), !account.stateDates.contains(planned.oldDate) {
            return .done(Progress(oldDate: planned.oldDate, newDate: planned.newDate, rewritten: true))
        }
        switch rule.decide(values: account.stateDates, now: plan.asOf, in: plan.zone) {
        case .noChangeNeeded:
            return .stop(.notNeeded("no \(rule.pre) state of \(user) has ended: nothing to change, the sub-task is removed"))
        case .cannotApply(let reason):
            return .stop(.failed(reason))
        case .rewrite(let values, let changed):
            let next = Progress(oldDate: account.stateDates[changed], newDate: values[changed].ldapValue, rewritten: false)
            guard try await item.checkpoint(Self.encode(next)) else { return .stop(.deferred("the lease ran out before the rewrite")) }
            let newState = values[changed].resourceState
            let change = SupannStateChange(
                oldDate: next.oldDate, newDate: next.newDate,
                oldStates: account.states.filter { Self.resource(of: $0) == newState.resource },
                newState: newState.ldapValue
            )
            guard try await deps.accounts.apply(change, to: user) else {
                return .stop(.deferred("\(user) changed while it was being rewritten; a later run decides again"))
            }
            let done = Progress(oldDate: next.oldDate, newDate: next.newDate, rewritten: true)
            _ = try await item.checkpoint(Self.encode(done))
            return .done(done)
        }
    }

    /// The FD step: FD recomputes supannRessourceEtat and runs its hooks.
    private func refresh(_ user: String, item: WorkItem, progress: Progress?) async -> WorkOutcome {
        let change = progress.map { "\($0.oldDate) → \($0.newDate)" } ?? "rewritten"
        do {
            try await deps.fusionDirectory.refreshUser(dn: user)
            return .appliedNoting(change)
        } catch .notConfigured {
            return .appliedNoting("\(change); FusionDirectory not refreshed: FUSION_DIRECTORY_API_URL is not set")
        } catch let error where error.isTransient && item.attempt < deps.refreshAttempts {
            return .deferred("\(change); FusionDirectory refresh will be retried: \(error.summary)")
        } catch {
            return .failed("FusionDirectory refresh failed after \(item.attempt) attempt(s): \(error.summary)")
        }
    }

    /// `COMPTE` of `{COMPTE}A:SupannActif`.
    static func resource(of state: String) -> String? {
        guard state.hasPrefix("{"), let close = state.firstIndex(of: "}") else { return nil }
        return String(state[state.index(after: state.startIndex)..<close])
    }

    static func encode(_ progress: Progress) -> String {
        String(decoding: (try? JSONEncoder().encode(progress)) ?? Data(), as: UTF8.self)
    }

    public func finish(_ summary: RunReport.Summary, in plan: Plan, context: RunContext) async throws {}
}
