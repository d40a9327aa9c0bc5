import Foundation

/// The slots of the schedule that were run: each (operation, slot) is recorded once across every
/// replica, so a slot never runs twice, and the newest one tells what was missed after downtime.
public protocol ScheduleSlots: Sendable {
    /// Records that `slot` of `operation` runs now, under `lease`: true for the one caller that
    /// recorded it; false when it was recorded already or `lease` is no longer current at `now`
    /// (fenced: a leader that lost its lease starts nothing).
    func claim(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws -> Bool
    /// The newest slot recorded for `operation`, or nil before its first scheduled run.
    func lastSlot(operation: String) async throws -> Date?
    /// Forgets the slots of `operation` before `date`, always keeping the newest; returns how many went.
    func purge(operation: String, before date: Date) async throws -> Int
    /// Marks the run of `slot` finished, only while the slot is still `lease`'s tenure's.
    func finish(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws
    /// The newest slot of `operation` when its run never finished (its process died, or lost the
    /// lease mid-run), with the fence of the tenure that recorded it; nil otherwise.
    func unfinished(operation: String) async throws -> OpenSlot?
    /// Takes over an unfinished slot recorded under an older fence, for `lease` (fenced as `claim`):
    /// true for the one caller that did.
    func resume(operation: String, slot: Date, lease: LeaderLease, now: Date) async throws -> Bool
}

/// A recorded slot whose run did not finish.
public struct OpenSlot: Sendable, Equatable {
    public let slot: Date
    public let fence: Int64

    public init(slot: Date, fence: Int64) {
        self.slot = slot
        self.fence = fence
    }
}
