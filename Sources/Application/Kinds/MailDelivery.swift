import Domain
import Foundation

/// What every kind that sends mail shares (Mail, Notifications, Reminder): one anti-spam rule,
/// one way to send and read the outcome, one stable Message-ID, one anti-spam stamp.
///
/// Anti-spam (spec §7, bug §10 #20 fixed): `fdTasksConfMaxEmails` counts messages actually sent
/// (the engine counts units, one per message), the interval `fdTasksConfIntervalEmails` applies to
/// every kind, and `fdTasksConfLastExecTime` is written once after the run sent something.
public struct MailDelivery: Sendable {
    public let transport: any MailTransport
    public let stamp: any MailSendStamp
    public let crypto: any TokenCrypto
    public let clock: any WallClock
    /// The process's outbound pace (MAIL_RATE_PER_MINUTE, slowed by 421/451 bursts).
    public let pacer: MailPacer

    public init(transport: any MailTransport, stamp: any MailSendStamp, crypto: any TokenCrypto, clock: any WallClock, pacer: MailPacer = MailPacer()) {
        self.transport = transport
        self.stamp = stamp
        self.crypto = crypto
        self.clock = clock
        self.pacer = pacer
    }

    /// The run's decision under the anti-spam settings read fresh for this run.
    func plan<Plan>(_ plan: Plan, context: RunContext) -> RunPlan<Plan> {
        let tasks = context.configuration.tasks
        let skip = tasks.intervalBlocks(now: context.asOf).map { until in
            "anti-spam interval: the last mail was sent less than \(tasks.intervalMinutes) minutes ago; next run allowed after \(ISO8601DateFormatter().string(from: until))"
        }
        return RunPlan(plan, limit: tasks.mailBudget().remaining, limitReason: "anti-spam limit of \(tasks.maxEmails) messages per run", skipReason: skip)
    }

    /// A Message-ID stable for one delivery (same identity → same id), so a receiver can spot a
    /// duplicate attempt.
    func messageID(for identity: String) -> String {
        "\(crypto.storageHash(of: identity).prefix(40))@fusiondirectory-orchestrator"
    }

    /// Sends in turn (the pacer) and maps the result: accepted → applied; may have been
    /// delivered → unknown (never resent on its own); the relay unreachable → unreachable; our
    /// credentials refused → halt (the run stops, nothing fails); a 421/451 burst → throttled
    /// (slower, no attempt burnt); transient → deferred; permanent → failed with the server's text.
    func send(_ mail: OutgoingMail) async -> WorkOutcome {
        await pacer.admit()
        do {
            try await transport.send(mail)
            await pacer.accepted()
            return .applied
        } catch {
            if error.mayHaveBeenDelivered { return .unknown(error.summary) }
            if case .connection = error { return .unreachable(error.summary) }
            if case .authentication = error { return .halt(error.summary) }
            if let code = error.pushbackCode, await pacer.pushedBack(recipient: mail.recipient, code: code) {
                // Still refused at the slowest pace: this run gives up, the next one tries again.
                if await pacer.currentSpacing >= MailPacer.ceiling {
                    return .halt("the relay keeps pushing back at one message every \(Int(MailPacer.ceiling)) s (\(error.summary))")
                }
                return .throttled("the relay is pushing back (\(error.summary)); sending slower, one message every \(Int(await pacer.currentSpacing)) s")
            }
            return error.isTransient ? .deferred(error.summary) : .failed(error.summary)
        }
    }

    func finish(_ summary: RunReport.Summary, configuration: FDConfiguration) async throws {
        if summary.applied > 0 {
            try await stamp.recordMailSent(at: clock.now(), configuration: configuration)
        }
    }
}
