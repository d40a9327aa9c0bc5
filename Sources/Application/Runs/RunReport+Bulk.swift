import Foundation

extension RunReport {
    /// An instant as the reports show it in details: UTC ISO 8601 with milliseconds.
    public static func isoString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// One retention pass of an audit run: every due audit sub-task with this retention shares it.
    public struct RetentionPass: Sendable, Equatable, Codable {
        public let retentionDays: Int
        /// Events dated strictly before this instant (UTC) are old.
        public let cutoff: Date
        /// The audit sub-tasks this pass served.
        public let subTasks: [String]
        public var deleted = 0
        /// Deletes the directory refused, or that could not be tried (connection lost).
        public var failed = 0
        /// Events copied to AUDIT_ARCHIVE_DIR before their delete.
        public var archived = 0
        /// Events at or after the cutoff, counted after the deletes; nil when the pass stopped early.
        public var keptNewer: Int?
        /// Dry-run: events the cutoff would delete, with the oldest and newest of them.
        public var wouldDelete = 0
        public var oldest: Date?
        public var newest: Date?
        /// False when the pass stopped before the end of the search (shutdown, directory lost).
        public var finished = false
        /// LDAP's reason for the first failed delete, or why the pass stopped.
        public var firstFailure: String?
        /// Of `failed`, those that were about reaching the directory: retried by a later run.
        var transientFailures = 0

        public init(retentionDays: Int, cutoff: Date, subTasks: [String]) {
            self.retentionDays = retentionDays
            self.cutoff = cutoff
            self.subTasks = subTasks
        }

        enum CodingKeys: String, CodingKey {
            case retentionDays, cutoff, subTasks = "subtasks", deleted, failed, archived, keptNewer, wouldDelete, oldest, newest, finished, firstFailure
        }

        /// Absent values are written as null: the shape of a pass never changes.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(retentionDays, forKey: .retentionDays)
            try container.encode(cutoff, forKey: .cutoff)
            try container.encode(subTasks, forKey: .subTasks)
            try container.encode(deleted, forKey: .deleted)
            try container.encode(failed, forKey: .failed)
            try container.encode(archived, forKey: .archived)
            try container.encode(keptNewer, forKey: .keptNewer)
            try container.encode(wouldDelete, forKey: .wouldDelete)
            try container.encode(oldest, forKey: .oldest)
            try container.encode(newest, forKey: .newest)
            try container.encode(finished, forKey: .finished)
            try container.encode(firstFailure, forKey: .firstFailure)
        }
    }

    /// removeSubTasks: the completed sub-tasks of one main task that went (or would go).
    public struct Removal: Sendable, Equatable, Codable {
        /// fdTasksGranularMaster of the sub-tasks; empty when they name none.
        public let mainTask: String
        public var removed = 0
        public var failed = 0
        public var wouldRemove = 0

        public init(mainTask: String) {
            self.mainTask = mainTask
        }
    }
}
