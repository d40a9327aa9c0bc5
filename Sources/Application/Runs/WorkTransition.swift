import Foundation

/// How a recorded outcome changes an item, the same for every journal adapter.
public struct WorkTransition: Sendable, Equatable {
    public let state: WorkState
    /// Deferred items go back to nobody: any run may claim them.
    public let releasesOwner: Bool
    public let detail: String?
    /// Applied items keep their run's lease (renewed by its heartbeat) until the run has written
    /// the sub-task's status: a live lease tells other runs to leave that status write alone.
    public let keepsLease: Bool
    /// The states it may come from: only an item being applied can have been applied (or may
    /// have been); a deferral or refusal may also come before applying began.
    public let from: [WorkState]
    /// A released item is claimable again from this instant (nil: at once).
    public let retryAt: Date?
    /// The claim that took a released item was not an attempt (the run never tried it): the
    /// count of attempts goes back by one, so stopped runs never bring an item nearer its end.
    public let refundsAttempt: Bool

    public init(_ outcome: WorkOutcome, retry: RetryTiming = .after(nil)) {
        switch outcome {
        case .applied: (state, releasesOwner, detail, from) = (.applied, false, nil, [.applying])
        case .appliedNoting(let note): (state, releasesOwner, detail, from) = (.applied, false, note, [.applying])
        case .notNeeded(let why): (state, releasesOwner, detail, from) = (.notNeeded, false, why, [.applying])
        case .deferred(let why), .unreachable(let why), .throttled(let why), .halt(let why):
            (state, releasesOwner, detail, from) = (.released, true, why, [.claimed, .applying])
        case .failed(let why): (state, releasesOwner, detail, from) = (.failed, false, why, [.claimed, .applying])
        case .unknown(let why): (state, releasesOwner, detail, from) = (.unknown, false, why, [.applying])
        }
        keepsLease = state == .applied
        switch (state, retry) {
        case (.released, .notAttempted): (retryAt, refundsAttempt) = (nil, true)
        case (.released, .after(let at)): (retryAt, refundsAttempt) = (at, false)
        default: (retryAt, refundsAttempt) = (nil, false)
        }
    }
}

/// How an operator's settlement changes an item, recorded in its detail.
public struct WorkSettlement: Sendable, Equatable {
    public let state: WorkState
    public let owner: String?
    public let detail: String

    public init(_ resolution: WorkResolution, by actor: String, at date: Date) {
        let when = ISO8601DateFormatter().string(from: date)
        switch resolution {
        case .applied: (state, owner, detail) = (.applied, "operator:\(actor)", "settled as applied by \(actor) at \(when)")
        case .retry: (state, owner, detail) = (.released, nil, "settled for a retry by \(actor) at \(when)")
        }
    }
}
