import Foundation

/// A strict reader of the Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, samples
/// with labels and values. Anything else (a bad name, an unclosed label, a value that is not a
/// number, a TYPE after its samples, a histogram whose buckets do not add up) is an error, so a
/// test fails on output Prometheus would refuse.
struct PrometheusText {
    struct Sample: Equatable, CustomStringConvertible {
        let name: String
        let labels: [String: String]
        let value: Double
        var description: String { "\(name)\(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) \(value)" }
    }

    struct Malformed: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        let text: String
        var description: String { "line \(line): \(reason): \(text)" }
    }

    static let knownTypes: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]

    private(set) var types: [String: String] = [:]
    private(set) var help: [String: String] = [:]
    private(set) var samples: [Sample] = []

    init(parsing text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Malformed(line: 0, reason: "the last line has no line feed", text: "") }
        var seen: Set<String> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            func fail(_ reason: String) -> Malformed { Malformed(line: number, reason: reason, text: String(line)) }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 2, parts[0] == "#" else { throw fail("not a comment") }
                switch parts[1] {
                case "HELP":
                    guard parts.count >= 3, Self.isMetricName(parts[2]) else { throw fail("HELP without a metric name") }
                    guard help[String(parts[2])] == nil else { throw fail("a second HELP") }
                    help[String(parts[2])] = parts.count == 4 ? String(parts[3]) : ""
                case "TYPE":
                    guard parts.count == 4, Self.isMetricName(parts[2]), Self.knownTypes.contains(String(parts[3])) else { throw fail("TYPE needs a name and a known type") }
                    let name = String(parts[2])
                    guard types[name] == nil else { throw fail("a second TYPE") }
                    guard !seen.contains(name) else { throw fail("TYPE after the metric's samples") }
                    types[name] = String(parts[3])
                default:
                    continue  // any other comment
                }
                continue
            }
            guard let sample = Self.sample(line) else { throw fail("not a sample") }
            seen.insert(family(of: sample.name))
            samples.append(sample)
        }
        try checkHistograms()
    }

    /// The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` are its own.
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }

    /// The samples of `name` whose labels include `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }
    }

    /// The sum of the samples of `name` whose labels include `labels` (0 when there is none).
    func total(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples(name, labels).reduce(0) { $0 + $1.value }
    }

    /// Buckets cumulative, an `+Inf` bucket equal to `_count`, for every series of every histogram.
    private func checkHistograms() throws {
        for (name, type) in types where type == "histogram" {
            var series: [[String: String]: [(Double, Double)]] = [:]
            for sample in samples where sample.name == name + "_bucket" {
                guard let bound = sample.labels["le"].flatMap(Self.number) else {
                    throw Malformed(line: 0, reason: "a bucket without a numeric le", text: sample.description)
                }
                var key = sample.labels
                key["le"] = nil
                series[key, default: []].append((bound, sample.value))
            }
            for (labels, buckets) in series {
                let sorted = buckets.sorted { $0.0 < $1.0 }
                guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0.1 <= $1.1 }) else {
                    throw Malformed(line: 0, reason: "buckets of \(name) are not cumulative", text: "\(labels)")
                }
                guard let last = sorted.last, last.0 == .infinity else { throw Malformed(line: 0, reason: "\(name) has no +Inf bucket", text: "\(labels)") }
                let count = samples.first { $0.name == name + "_count" && $0.labels == labels }
                guard count?.value == last.1 else { throw Malformed(line: 0, reason: "\(name)_count is not the +Inf bucket", text: "\(labels)") }
            }
        }
    }

    // MARK: - lexing

    static func isMetricName<S: StringProtocol>(_ text: S) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" || first == ":" else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":") }
    }

    static func isLabelName(_ text: String) -> Bool {
        isMetricName(text) && !text.contains(":")
    }

    static func number<S: StringProtocol>(_ text: S) -> Double? {
        switch text {
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: text.isEmpty || text.contains(where: { $0.isWhitespace }) ? nil : Double(String(text))
        }
    }

    /// `name{label="value",…} value [timestamp]`.
    static func sample(_ line: Substring) -> Sample? {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
            var text = String.UnicodeScalarView()
            while index < scalars.count, predicate(scalars[index]) {
                text.append(scalars[index])
                index += 1
            }
            return String(text)
        }
        let name = take { $0 != "{" && $0 != " " }
        guard isMetricName(name) else { return nil }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while true {
                guard index < scalars.count else { return nil }
                if scalars[index] == "}" {
                    index += 1
                    break
                }
                let label = take { $0 != "=" }
                guard isLabelName(label), labels[label] == nil, index + 1 < scalars.count, scalars[index + 1] == "\"" else { return nil }
                index += 2
                var value = String.UnicodeScalarView()
                var closed = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "\"" {
                        closed = true
                        break
                    }
                    guard scalar == "\\" else {
                        value.append(scalar)
                        continue
                    }
                    guard index < scalars.count else { return nil }
                    switch scalars[index] {
                    case "\\": value.append("\\")
                    case "\"": value.append("\"")
                    case "n": value.append("\n")
                    default: return nil
                    }
                    index += 1
                }
                guard closed else { return nil }
                labels[label] = String(value)
                guard index < scalars.count else { return nil }
                if scalars[index] == "," {
                    index += 1
                } else if scalars[index] != "}" {
                    return nil
                }
            }
        }
        guard index < scalars.count, scalars[index] == " " else { return nil }
        index += 1
        let rest = String(String.UnicodeScalarView(scalars[index...])).split(separator: " ", omittingEmptySubsequences: false)
        guard rest.count == 1 || (rest.count == 2 && Int64(rest[1]) != nil), let value = number(rest[0]) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
