import Application
import Foundation

/// An SMTP server in memory: stores what it accepts, answers per recipient as told.
actor FakeMailTransport: MailTransport {
    enum Answer: Sendable {
        case accept
        case fail(MailError)
        /// Stores the message, then loses the reply (the case after DATA).
        case acceptButLoseReply
    }

    private(set) var accepted: [OutgoingMail] = []
    /// Every message offered, accepted or not.
    private(set) var attempts: [OutgoingMail] = []
    private var answers: [String: Answer] = [:]
    private var delay: Duration = .zero
    /// Called before each message, e.g. to kill a run or renew a sub-task mid-run.
    private var beforeSend: (@Sendable (OutgoingMail) async -> Void)?

    func answer(_ answer: Answer, for recipient: String) {
        answers[recipient] = answer
    }

    func slow(by delay: Duration) {
        self.delay = delay
    }

    func onSend(_ hook: (@Sendable (OutgoingMail) async -> Void)?) {
        beforeSend = hook
    }

    func received(by recipient: String) -> Int {
        accepted.filter { $0.recipient == recipient }.count
    }

    func send(_ mail: OutgoingMail) async throws(MailError) {
        if let beforeSend { await beforeSend(mail) }
        attempts.append(mail)
        if delay > .zero { try? await Task.sleep(for: delay) }
        switch answers[mail.recipient] ?? .accept {
        case .accept:
            accepted.append(mail)
        case .fail(let error):
            throw error
        case .acceptButLoseReply:
            accepted.append(mail)
            throw .outcomeUnknown("connection reset by peer")
        }
    }
}
