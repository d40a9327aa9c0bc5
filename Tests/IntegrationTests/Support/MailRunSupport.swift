@testable import LDAPAdapter
@testable import SMTPAdapter
@testable import Bootstrap
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

extension TestServices {
    /// The sink's fault mode, read again for every RCPT and DATA (see harness/smtp/smtp_sink.py):
    /// `accept` (default), `defer451` or `reject550` (every RCPT gets 451 / 550),
    /// `drop-after-data` (the message is stored, then the connection closes without a reply),
    /// `delay:<milliseconds>` (accept, but the 250 after the data comes that much later).
    func setSinkMode(_ mode: String) throws {
        let directory = try require("ORCH_TEST_SMTP_CONTROL", for: "the SMTP sink")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try mode.write(toFile: "\(directory)/mode", atomically: true, encoding: .utf8)
    }

    /// Empties the sink's maildir and puts the fixture back as demo.ldif describes it.
    func freshFixtureAndMailbox() throws {
        try runServices("reset-ldap")
        try runServices("clear-mail")
    }

    func ldap() throws -> LDAPClient {
        LDAPClient(configuration: .init(url: try ldapURL, bindDN: try ldapAdmin, password: try ldapPassword))
    }

    /// Adds `count` due mail sub-tasks (one recipient each) under a new main task; no mail limit.
    func bulkMail(_ count: Int, prefix: String) async throws -> [String] {
        let ldap = try ldap()
        try await ldap.modify("cn=config,ou=fusiondirectory,dc=example,dc=org", [.replace("fdTasksConfMaxEmails", ["0"])])
        try await ldap.add("cn=\(prefix),ou=tasks,dc=example,dc=org", attributes: [
            ("objectClass", ["fdTasks", "fdTasksMail"]), ("cn", [prefix]), ("fdTasksStatus", ["1"]),
            ("fdTasksCreationDate", ["2026-11-02 09:14:37am"]), ("fdTasksScheduleDate", ["20261102100000"]),
            ("fdTasksRepeatable", ["FALSE"]), ("fdTasksMailObject", ["plain"]), ("fdTasksEmailSender", ["bulk@example.org"]),
        ])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in stride(from: worker, to: count, by: 4) {
                        try await ldap.add("cn=\(prefix)-SubTask-\(index),ou=tasks,dc=example,dc=org", attributes: [
                            ("objectClass", ["fdTasksGranular"]), ("cn", ["\(prefix)-SubTask-\(index)"]),
                            ("fdTasksGranularMaster", ["cn=\(prefix),ou=tasks,dc=example,dc=org"]), ("fdTasksGranularType", ["Mail Object"]),
                            ("fdTasksGranularSchedule", ["20261102100000"]), ("fdTasksGranularStatus", ["1"]),
                            ("fdTasksGranularMail", ["\(prefix)-\(index)@example.org"]), ("fdTasksGranularMailFrom", ["bulk@example.org"]),
                            ("fdTasksGranularRef", ["plain"]),
                        ])
                    }
                }
            }
            try await group.waitForAll()
        }
        return (0..<count).map { "\(prefix)-\($0)@example.org" }
    }

    func receivedCounts(_ prefix: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in try SMTPSink(services: self).all() {
            guard let to = message.header("To")?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")), to.hasPrefix(prefix) else { continue }
            counts[to, default: 0] += 1
        }
        return counts
    }

    func statuses(_ prefix: String) async throws -> [String: String] {
        let entries = try await ldap().search(base: "ou=tasks,dc=example,dc=org", scope: .oneLevel,
                                                       filter: .equal("fdTasksGranularMaster", "cn=\(prefix),ou=tasks,dc=example,dc=org"),
                                                       attributes: ["fdTasksGranularStatus"])
        return Dictionary(entries.map { ($0.dn, $0.string("fdTasksGranularStatus") ?? "") }) { a, _ in a }
    }

    func status(of dn: String) async throws -> String? {
        try await ldap().read(dn, attributes: ["fdTasksGranularStatus"])?.string("fdTasksGranularStatus")
    }
}

extension SMTPSink {
    /// Every stored message.
    func all() throws -> [Message] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }.sorted()
        return try files.map { file in
            let raw = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            let envelope = raw.split(whereSeparator: \.isNewline).prefix { $0.hasPrefix("X-Envelope-") }
                .filter { $0.hasPrefix("X-Envelope-To:") }
                .map { $0.dropFirst("X-Envelope-To:".count).trimmingCharacters(in: .whitespaces) }
            return Message(raw: raw, envelopeTo: envelope)
        }
    }
}

/// A MIME message split into its parts (enough for multipart/mixed with base64 or QP parts).
struct MIMEParts {
    struct Part {
        let headers: [String: String]
        let body: String

        var contentType: String { headers["content-type"] ?? "" }
        var fileName: String? {
            guard let disposition = headers["content-disposition"], let range = disposition.range(of: "filename=") else { return nil }
            return disposition[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" ;"))
        }
        var decoded: [UInt8] {
            if headers["content-transfer-encoding"]?.lowercased() == "base64" {
                return Array(Data(base64Encoded: body.components(separatedBy: .whitespacesAndNewlines).joined()) ?? Data())
            }
            if headers["content-transfer-encoding"]?.lowercased() == "quoted-printable" {
                return Array(Self.decodeQuotedPrintable(body).utf8)
            }
            return Array(body.utf8)
        }

        static func decodeQuotedPrintable(_ text: String) -> String {
            var bytes: [UInt8] = []
            let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "").utf8)
            var index = 0
            while index < source.count {
                if source[index] == UInt8(ascii: "="), index + 2 < source.count,
                   let value = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    index += 3
                } else {
                    bytes.append(source[index])
                    index += 1
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    let parts: [Part]

    init(_ message: SMTPSink.Message) {
        let raw = message.raw.replacingOccurrences(of: "\r\n", with: "\n")
        guard let type = message.header("Content-Type"), let range = type.range(of: "boundary=") else {
            parts = []
            return
        }
        let boundary = type[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" ;"))
        parts = raw.components(separatedBy: "--" + boundary).dropFirst().compactMap { chunk in
            guard !chunk.hasPrefix("--") else { return nil }
            let sections = chunk.drop { $0 == "\n" }.components(separatedBy: "\n\n")
            guard let head = sections.first else { return nil }
            var headers: [String: String] = [:]
            for line in head.replacingOccurrences(of: "\n ", with: " ").split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return Part(headers: headers, body: sections.dropFirst().joined(separator: "\n\n").trimmingCharacters(in: .newlines))
        }
    }
}
