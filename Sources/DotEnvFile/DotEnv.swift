import Foundation

/// Reads the PHP orchestrator's `orchestrator.conf`: a dotenv file of `KEY=value` lines.
///
/// Accepted: blank lines, `#` comments, an optional `export ` prefix, unquoted values (a ` #`
/// starts a trailing comment), 'single-quoted' values taken literally, and "double-quoted" values
/// with `\n`, `\t`, `\"` and `\\` escapes. The service and the client read the same files with it.
public enum DotEnv {
    public struct SyntaxError: Error, Equatable, Sendable {
        public let line: Int
        public let reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public static func parse(_ text: String) throws(SyntaxError) -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                throw SyntaxError(line: index + 1, reason: "expected KEY=value")
            }
            let key = line[..<equals].trimmed()
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw SyntaxError(line: index + 1, reason: "invalid key")
            }
            values[key] = try value(line[line.index(after: equals)...], line: index + 1)
        }
        return values
    }

    private static func value(_ raw: Substring, line: Int) throws(SyntaxError) -> String {
        let text = raw.drop { $0 == " " || $0 == "\t" }
        if text.hasPrefix("'") {
            guard let end = text.dropFirst().firstIndex(of: "'") else { throw SyntaxError(line: line, reason: "unterminated quote") }
            return String(text[text.index(after: text.startIndex)..<end])
        }
        if text.hasPrefix("\"") {
            var out = ""
            var escaped = false
            for character in text.dropFirst() {
                if escaped {
                    switch character {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    default: out.append(character)
                    }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    return out
                } else {
                    out.append(character)
                }
            }
            throw SyntaxError(line: line, reason: "unterminated quote")
        }
        var unquoted = Substring(text)
        if let comment = unquoted.range(of: " #") { unquoted = unquoted[..<comment.lowerBound] }
        return unquoted.trimmed()
    }
}

private extension StringProtocol {
    func trimmed() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

extension DotEnv {
    /// A configuration file that cannot be used, said the way both executables report it.
    public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
        public let path: String
        /// nil when the file could not be read at all.
        public let syntax: SyntaxError?

        public var description: String {
            guard let syntax else { return "cannot read \(path)" }
            return "\(path) line \(syntax.line): \(syntax.reason)"
        }
    }

    /// The values of the dotenv file at `path`.
    public static func read(file path: String) throws(FileError) -> [String: String] {
        // A FileHandle, not FileManager.contents: that answers nil for /dev/null, the way to say
        // "no file" explicitly (`--config /dev/null`).
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
            throw FileError(path: path, syntax: nil)
        }
        try? handle.close()
        do {
            return try parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw FileError(path: path, syntax: error)
        }
    }
}
