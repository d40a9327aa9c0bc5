import Domain
import Foundation

/// Runs any operation by name: the one entry point of `PATCH /api/tasks/<operation>`, the CLI and
/// the scheduler. Operations without a kind wired here answer `run.not_implemented`.
public struct RunTasks: Sendable {
    typealias Runner = @Sendable (RunMode, RunReport.Trigger) async throws(ServiceError) -> RunReport
    typealias Resolver = @Sendable (WorkKey, WorkResolution, String) async throws(ServiceError) -> WorkRecord
    typealias Redriver = @Sendable (String, String) async throws(ServiceError) -> SubTask

    private let runners: [RunOperation: Runner]
    private let resolvers: [RunOperation: Resolver]
    private let redrivers: [RunOperation: Redriver]
    /// Told after every run and settlement: what they changed shows in the next listing.
    private let counts: TaskCounts?
    private let metrics: any OperationMetrics

    public init(
        engine: RunEngine, kinds: [any KindRun], activation: ActivateCyclicTasks? = nil, operations: [any OperationRun] = [], counts: TaskCounts? = nil,
        metrics: any OperationMetrics = NoOperationMetrics()
    ) {
        var runners: [RunOperation: Runner] = [:]
        var resolvers: [RunOperation: Resolver] = [:]
        var redrivers: [RunOperation: Redriver] = [:]
        for kind in kinds {
            let (operation, runner, resolver, redriver) = Self.entry(engine, kind)
            runners[operation] = runner
            resolvers[operation] = resolver
            redrivers[operation] = redriver
        }
        if let activation { runners[.activateCyclicTasks] = Self.runner(activation) }
        for operation in operations { runners[operation.operation] = Self.runner(operation) }
        self.runners = runners
        self.resolvers = resolvers
        self.redrivers = redrivers
        self.counts = counts
        self.metrics = metrics
    }

    private static func entry<Kind: KindRun>(_ engine: RunEngine, _ kind: Kind) -> (RunOperation, Runner, Resolver, Redriver) {
        (
            .kind(kind.kind),
            { mode, trigger throws(ServiceError) in try await engine.run(kind, mode: mode, trigger: trigger) },
            { key, resolution, actor throws(ServiceError) in try await engine.resolve(kind, key, as: resolution, by: actor) },
            { dn, actor throws(ServiceError) in try await engine.redrive(kind, subTask: dn, by: actor) }
        )
    }

    private static func runner(_ activation: ActivateCyclicTasks) -> Runner {
        { mode, trigger throws(ServiceError) in try await activation.run(mode: mode, trigger: trigger) }
    }

    private static func runner(_ operation: any OperationRun) -> Runner {
        { mode, trigger throws(ServiceError) in try await operation.run(mode: mode, trigger: trigger) }
    }

    /// The operations this build can run.
    public var available: [RunOperation] { RunOperation.all.filter { runners[$0] != nil } }

    public func callAsFunction(_ operation: RunOperation, mode: RunMode = .apply, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
        guard let runner = runners[operation] else { throw Self.notImplemented(operation) }
        // Even a run that failed part-way (or activated tasks through FD) may have changed entries.
        let started = ContinuousClock.now
        do {
            let report = try await RunLogContext.scope(operation.name) { () async throws(ServiceError) -> RunReport in try await runner(mode, trigger) }
            if mode == .apply {
                await counts?.invalidate()
                metrics.runCompleted(report, sendsMessages: Self.sendsMessages(operation), duration: ContinuousClock.now - started)
            }
            return report
        } catch {
            if mode == .apply {
                await counts?.invalidate()
                metrics.runFailed(operation, trigger: trigger, duration: ContinuousClock.now - started)
            }
            throw error
        }
    }

    /// The operations whose applied items are messages handed to the relay.
    static func sendsMessages(_ operation: RunOperation) -> Bool {
        switch operation {
        case .kind(.mail), .kind(.notifications), .kind(.reminder): true
        default: false
        }
    }

    /// Settles an item whose outcome is unknown (`applied`: it happened; `retry`: run it again).
    public func resolve(_ key: WorkKey, as resolution: WorkResolution, by actor: String) async throws(ServiceError) -> WorkRecord {
        guard let resolver = resolvers[key.operation] else { throw Self.notImplemented(key.operation) }
        do {
            let record = try await resolver(key, resolution, actor)
            await counts?.invalidate()
            return record
        } catch {
            await counts?.invalidate()
            throw error
        }
    }

    /// Schedules a failed sub-task of `operation` again (an operator's re-drive of a dead item);
    /// the next run applies it with a fresh count of attempts.
    public func redrive(_ operation: RunOperation, subTask dn: String, by actor: String) async throws(ServiceError) -> SubTask {
        guard let redriver = redrivers[operation] else {
            throw ServiceError(.notFound, code: "run.not_redrivable", message: "\(operation.name) has no sub-tasks to re-drive")
        }
        let subTask = try await redriver(dn, actor)
        await counts?.invalidate()
        return subTask
    }

    static func notImplemented(_ operation: RunOperation) -> ServiceError {
        ServiceError(.notFound, code: "task.not_implemented", message: "running \(operation.name) is not available in this version yet")
    }
}
