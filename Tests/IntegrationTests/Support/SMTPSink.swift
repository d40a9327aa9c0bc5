import Foundation

/// Reads what the harness's SMTP sink stored: one `.eml` file per message, preceded by
/// `X-Envelope-From:` / `X-Envelope-To:` lines.
struct SMTPSink {
    struct Message {
        let raw: String
        let envelopeTo: [String]

        /// The first header with that name (unfolded), from the message's header block.
        func header(_ name: String) -> String? {
            let head = raw.components(separatedBy: "\r\n\r\n").first ?? raw.components(separatedBy: "\n\n").first ?? raw
            let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\n ", with: " ")
            for line in unfolded.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].caseInsensitiveCompare(name) == .orderedSame {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        /// The Subject with RFC 2047 base64/Q words decoded.
        var decodedSubject: String? {
            guard let subject = header("Subject") else { return nil }
            var out = ""
            for word in subject.split(separator: " ") {
                let parts = word.split(separator: "?", omittingEmptySubsequences: false)
                if parts.count == 5, parts[0] == "=", parts[4] == "=", parts[2].uppercased() == "B",
                   let data = Data(base64Encoded: String(parts[3])) {
                    out += String(decoding: data, as: UTF8.self)
                } else {
                    out += (out.isEmpty ? "" : " ") + word
                }
            }
            return out
        }
    }

    let directory: String

    init(services: TestServices) throws {
        directory = try services.require("ORCH_TEST_SMTP_MAILDIR", for: "the SMTP sink")
    }

    func messages(to recipient: String) throws -> [Message] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }.sorted()
        return try files.compactMap { file in
            let raw = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
            let envelope = raw.split(whereSeparator: \.isNewline).prefix { $0.hasPrefix("X-Envelope-") }
                .filter { $0.hasPrefix("X-Envelope-To:") }
                .map { $0.dropFirst("X-Envelope-To:".count).trimmingCharacters(in: .whitespaces) }
            let message = Message(raw: raw, envelopeTo: envelope)
            return message.header("To") == "<\(recipient)>" || envelope.contains(recipient) && message.header("To")?.contains(recipient) == true ? message : nil
        }
    }
}
