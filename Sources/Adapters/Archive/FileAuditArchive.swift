import Application
import Domain
import Foundation

/// AUDIT_ARCHIVE_DIR: each audit event the retention run deletes, appended first as one JSON
/// line (`{"attributes":{…},"dn":"…"}`, keys sorted) to `audit-YYYY-MM-DD.jsonl` of the UTC day
/// it was deleted, and flushed to disk (fsync) before the delete is sent.
public actor FileAuditArchive: AuditArchive {
    public struct Failure: Error, CodedError {
        public let code = "archive.write_failed"
        public let message: String
    }

    private let directory: URL

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    }

    public func append(_ events: [DirectoryEntry], at date: Date) throws {
        guard !events.isEmpty else { return }
        let file = directory.appendingPathComponent(Self.fileName(for: date))
        do {
            var data = Data()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for event in events {
                data.append(try encoder.encode(Line(event)))
                data.append(0x0A)
            }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: file.path) {
                guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o640]) else {
                    throw Failure(message: "cannot create \(file.path)")
                }
            }
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(message: "writing the audit archive \(file.path) failed: \(error.localizedDescription)")
        }
    }

    /// `audit-2026-11-22.jsonl`: one file per UTC day.
    public static func fileName(for date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "audit-%04d-%02d-%02d.jsonl", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// One archived event: its DN and every attribute with its values, as text.
    public struct Line: Codable, Equatable, Sendable {
        public let dn: String
        public let attributes: [String: [String]]

        public init(_ entry: DirectoryEntry) {
            dn = entry.dn
            var attributes: [String: [String]] = [:]
            for name in entry.attributeNames { attributes[name] = entry.strings(name) }
            self.attributes = attributes
        }
    }
}
