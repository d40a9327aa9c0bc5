/// Reads typed values out of a `DirectoryEntry` and collects, instead of throwing, every
/// problem met on the way. The entry factories (`MainTask(entry:)`, `SubTask(entry:)`, …)
/// are built on it so that one bad attribute never hides the rest of an entry.
struct EntryReader {
    let entry: DirectoryEntry
    private(set) var problems: [String] = []
    /// Lower-cased names of attributes that were present but unreadable.
    private(set) var unreadable: Set<String> = []

    init(_ entry: DirectoryEntry) {
        self.entry = entry
    }

    mutating func report(_ problem: String) {
        problems.append(problem)
    }

    mutating func report(_ error: DomainError, attribute: String) {
        problems.append(error.message)
        unreadable.insert(attribute.lowercased())
    }

    /// All values; a missing MUST attribute is reported.
    mutating func list(_ attribute: String, required: Bool = false) -> [String] {
        let values = entry.strings(attribute)
        if values.isEmpty, required { report(.missingAttribute(attribute: attribute), attribute: attribute) }
        return values
    }

    /// The value of a logically single attribute. Most task attributes are multi-valued in
    /// the schema (spec §1) although FD writes one value; extra values are reported and the
    /// first is used, which is also what PHP did with `[0]`.
    mutating func single(_ attribute: String, required: Bool = false) -> String? {
        let (first, count) = entry.firstString(attribute)
        if count == 0, required { report(.missingAttribute(attribute: attribute), attribute: attribute) }
        if count > 1 {
            report("\(attribute) has \(count) values; the first one is used")
        }
        return first
    }

    /// Like `single`, but an empty string counts as absent (optional free-text settings).
    mutating func text(_ attribute: String, required: Bool = false) -> String? {
        guard let value = single(attribute, required: required), !value.isEmpty else { return nil }
        return value
    }

    /// Parses the single value with `parse`; nil when absent or unreadable (reported).
    mutating func parsed<T>(
        _ attribute: String, required: Bool = false, _ parse: (String) throws(DomainError) -> T
    ) -> T? {
        guard let value = single(attribute, required: required) else { return nil }
        do throws(DomainError) {
            return try parse(value)
        } catch {
            report(error, attribute: attribute)
            return nil
        }
    }

    /// LDAP Boolean: exactly `TRUE` or `FALSE` (spec §3.4); PHP never case-folded either.
    mutating func boolean(_ attribute: String, required: Bool = false) -> Bool? {
        parsed(attribute, required: required) { value throws(DomainError) in
            switch value {
            case "TRUE": return true
            case "FALSE": return false
            default:
                throw .invalidValue(attribute: attribute, value: value, reason: "expected exactly TRUE or FALSE")
            }
        }
    }

    /// A non-negative whole number of days stored as text (day counts are DirectoryStrings,
    /// spec §1, so nothing but this check stops `30 days` or `-5`).
    mutating func dayCount(_ attribute: String, required: Bool = false) -> Int? {
        parsed(attribute, required: required) { value throws(DomainError) in
            guard let days = parseDecimal(value), days <= 1_000_000 else {
                throw .invalidValue(attribute: attribute, value: value, reason: "expected a whole number of days (0–1000000)")
            }
            return days
        }
    }

    /// The entry's DN parsed, or nil with a problem.
    mutating func distinguishedName() -> DistinguishedName? {
        do throws(DomainError) {
            return try DistinguishedName(parsing: entry.dn)
        } catch {
            report(error.message)
            return nil
        }
    }
}
