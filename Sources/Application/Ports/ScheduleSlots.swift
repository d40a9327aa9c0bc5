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
}
