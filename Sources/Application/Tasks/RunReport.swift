import Foundation

/// What a task run did, item by item: the answer of `PATCH /api/tasks/<kind>`.
public struct RunReport: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable {
        /// The server accepted the message in this run.
        case sent
        /// Refused for good; the sub-task carries the reason.
        case failed
        /// A transient failure: the sub-task stays scheduled and a later run retries.
        case deferred
        /// Not attempted in this run (anti-spam limit or interval, another run holds it, …).
        case skipped
        /// A previous run crashed while sending it: it may or may not have gone out, so it is not
        /// resent automatically (an operator decides).
        case unknown
        /// Already accepted by the server in an earlier run; only its LDAP status was completed now.
        case alreadySent
    }

    public struct Item: Sendable, Equatable {
        public let subTask: String
        public let recipient: String?
        public let outcome: Outcome
        public let detail: String?

        public init(subTask: String, recipient: String?, outcome: Outcome, detail: String? = nil) {
            self.subTask = subTask
            self.recipient = recipient
            self.outcome = outcome
            self.detail = detail
        }
    }

    public struct Summary: Sendable, Equatable {
        public var due = 0
        public var sent = 0
        public var failed = 0
        public var deferred = 0
        public var skipped = 0
        public var unknown = 0
    }

    public let runID: String
    public let kind: String
    public let startedAt: Date
    public let endedAt: Date
    public let summary: Summary
    /// Why the whole run did nothing, when it did nothing on purpose.
    public let skippedReason: String?
    public let items: [Item]
}
