import Foundation

/// Spaces the messages this process sends: at most MAIL_RATE_PER_MINUTE (none by default), and
/// slower while the relay pushes back. One per process, shared by every run and kind that mails,
/// so concurrent runs share the pace (FreeIPA EPN paces its notices the same way).
///
/// A 421 means the relay is throttling or overloaded: the spacing doubles (at least 1 s, at most
/// `ceiling`) and the message is retried later without burning an attempt. A 451 is usually one
/// recipient's problem (greylisting) and counts as an attempt, however often that recipient is
/// refused and however many recipients are greylisted; only `burstSize` different recipients
/// refused in a row (no message accepted between, each within a minute of the last) make a 451
/// burst, treated like a 421; once the spacing is at its ceiling and the relay still refuses, the run
/// stops and leaves the rest for the next. Each accepted message halves the spacing back towards
/// the configured pace.
public actor MailPacer {
    /// The slowest pace a burst can bring: one message every 30 s.
    public static let ceiling: Double = 30

    private let floor: Double
    private var spacing: Double
    private var nextSlot: ContinuousClock.Instant?
    /// Recipients refused in a row, and when the last refusal came.
    private var streak: Set<String> = []
    private var lastPushback: ContinuousClock.Instant?
    static let burstWindow: Duration = .seconds(60)
    /// Different recipients refused with 451 in a row that make a burst.
    public static let burstSize = 5
    private let sleep: @Sendable (Duration) async -> Void

    public init(ratePerMinute: Int? = nil, sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }) {
        floor = ratePerMinute.map { 60 / Double(max(1, $0)) } ?? 0
        spacing = floor
        self.sleep = sleep
    }

    /// Seconds between two messages now.
    public var currentSpacing: Double { spacing }

    /// Waits for the next message's turn. The slot is taken before waiting, so callers that
    /// arrive together leave in turn.
    public func admit() async {
        guard spacing > 0 else { return }
        let now = ContinuousClock.now
        let slot = max(now, nextSlot ?? now)
        nextSlot = slot.advanced(by: .milliseconds(Int64(spacing * 1_000)))
        if slot > now { await sleep(now.duration(to: slot)) }
    }

    /// The relay accepted a message: the burst is over, back towards the configured pace.
    public func accepted() {
        streak = []
        spacing = spacing / 2 < max(floor, 0.05) ? floor : spacing / 2
    }

    /// The relay answered `code` (421 or 451) for `recipient`; true when the relay is pushing
    /// back (the pace was slowed and the message is not at fault).
    public func pushedBack(recipient: String, code: Int) -> Bool {
        let now = ContinuousClock.now
        if let lastPushback, lastPushback.duration(to: now) > Self.burstWindow { streak = [] }
        lastPushback = now
        streak.insert(recipient.lowercased())
        guard code == 421 || streak.count >= Self.burstSize else { return false }
        spacing = min(Self.ceiling, max(1, spacing * 2))
        return true
    }
}
