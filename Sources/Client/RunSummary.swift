/// How a run report reads for people and for the exit status: pure, from the report's JSON.
enum RunSummary {
    /// 1 when an item failed, would fail or has an unknown outcome; deferred and skipped items
    /// are retried by later runs and do not count.
    static func status(of counts: [String: Any]) -> ExitStatus {
        let failing = ["failed", "unknown", "wouldFail"].reduce(0) { $0 + ((counts[$1] as? Int) ?? 0) }
        return failing > 0 ? .itemsFailed : .ok
    }

    /// `mail: due 3 · done 2 · failed 1 · unknown 0 · skipped 0 (run 01J…)`.
    static func line(operation: String, report: [String: Any]) -> String {
        let counts = report["summary"] as? [String: Any] ?? [:]
        func count(_ key: String) -> Int { (counts[key] as? Int) ?? 0 }
        var parts: [String]
        if report["dryRun"] as? Bool == true {
            parts = ["dry-run", "due \(count("due"))", "would apply \(count("wouldApply"))", "would fail \(count("wouldFail"))", "skipped \(count("skipped"))"]
        } else {
            let done = count("applied") + count("alreadyApplied") + count("notNeeded")
            parts = ["due \(count("due"))", "done \(done)", "failed \(count("failed"))", "unknown \(count("unknown"))", "skipped \(count("skipped"))"]
            if count("deferred") > 0 { parts.append("deferred \(count("deferred"))") }
        }
        var line = "\(operation): " + parts.joined(separator: " · ")
        if let reason = report["skippedReason"] as? String { line += " — \(reason)" }
        if let id = report["runId"] as? String, report["dryRun"] as? Bool != true { line += " (run \(id))" }
        return line
    }

    /// One line per item, numbered as `settle` takes them: `3. failed  <sub-task> → <target>: <detail>`.
    static func itemLines(_ report: [String: Any], onlyProblems: Bool = false) -> [String] {
        let items = report["items"] as? [[String: Any]] ?? []
        return items.enumerated().compactMap { index, item in
            let outcome = item["outcome"] as? String ?? "?"
            if onlyProblems, !["failed", "unknown", "wouldFail"].contains(outcome) { return nil }
            var line = "\(index + 1). \(outcome)  \(item["subtask"] as? String ?? "?")"
            if let target = item["target"] as? String { line += " → \(target)" }
            if let detail = item["detail"] as? String { line += ": \(detail)" }
            return line
        }
    }
}
