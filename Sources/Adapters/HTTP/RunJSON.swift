import Application
import Foundation
import Hummingbird

/// The typed bodies of the run routes. Keys are sorted, so the order is stable.
enum RunJSON {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        return JSONBody.response(data: try encoder.encode(value), status: status)
    }

    static func formatDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func parseDate(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// A run in a listing: the report without its items.
    struct Header: Encodable {
        let report: RunReport

        init(_ report: RunReport) {
            self.report = report
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: RunReport.CodingKeys.self)
            try report.encodeHeader(into: &container)
        }
    }

    struct Page: Encodable {
        let runs: [Header]
        let next: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(runs, forKey: .runs)
            try container.encode(next, forKey: .next)
        }

        enum CodingKeys: String, CodingKey { case runs, next }
    }

    struct Resolution: Decodable {
        let operation: String
        let subtask: String
        let target: String
        let resolution: String

        var workResolution: WorkResolution? {
            switch resolution.lowercased() {
            case "applied", "sent": .applied
            case "retry", "resend": .retry
            default: nil
            }
        }
    }

    /// `POST /api/runs/redrive`: which failed sub-task to schedule again.
    struct Redrive: Decodable {
        let operation: String
        let subtask: String
    }

    /// The re-driven sub-task: scheduled again, and the failure it had.
    struct Redriven: Encodable {
        let operation: String
        let subtask: String
        let status = "1"
        let previousStatus: String
    }

    struct Settled: Encodable {
        let operation: String
        let subtask: String
        let target: String
        let state: String
        let detail: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(operation, forKey: .operation)
            try container.encode(subtask, forKey: .subtask)
            try container.encode(target, forKey: .target)
            try container.encode(state, forKey: .state)
            try container.encode(detail, forKey: .detail)
        }

        enum CodingKeys: String, CodingKey { case operation, subtask, target, state, detail }

        init(_ record: WorkRecord) {
            operation = record.key.operation.name
            subtask = record.key.subTaskDN
            target = record.key.target
            state = record.state.rawValue
            detail = record.detail
        }
    }
}
