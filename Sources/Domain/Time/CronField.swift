/// One of the five fields of a cron expression: the values it allows, as a bit set.
///
/// Vixie/POSIX syntax: `*`, numbers, lists `a,b`, ranges `a-b`, steps `*/n`, `a-b/n` and
/// `a/n` (from `a` to the field's maximum). Months and days of the week also take English
/// names (`jan`, `mon`, any case), anywhere a number goes. Day of week 7 is Sunday, as 0.
struct CronField: Sendable, Hashable {
    enum Kind: Sendable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day of month"
            case .month: "month"
            case .dayOfWeek: "day of week"
            }
        }

        var bounds: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        /// Names usable instead of numbers, the first one standing for `bounds.lowerBound`.
        var names: [String] {
            switch self {
            case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            default: []
            }
        }
    }

    /// Bit `n` set when value `n` is allowed (day of week 7 is folded into 0).
    let bits: UInt64
    /// Whether the field text starts with `*`. Vixie cron keys two rules on this: the
    /// day-of-month/day-of-week combination, and firing by real time in a repeated hour.
    let isStar: Bool

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    /// The smallest allowed value ≥ `value`, if any.
    func next(from value: Int) -> Int? {
        guard value < 64 else { return nil }
        let rest = bits >> UInt64(max(value, 0))
        return rest == 0 ? nil : max(value, 0) + rest.trailingZeroBitCount
    }

    /// The largest allowed value ≤ `value`, if any.
    func previous(from value: Int) -> Int? {
        guard value >= 0 else { return nil }
        let kept = value >= 63 ? bits : bits & ((1 << UInt64(value + 1)) - 1)
        return kept == 0 ? nil : 63 - kept.leadingZeroBitCount
    }

    /// Where a parse failure is reported: the setting and the whole expression.
    struct Source {
        let setting: String
        let expression: String

        func failure(_ reason: String) -> DomainError {
            .invalidValue(attribute: setting, value: expression, reason: reason)
        }
    }

    init(parsing text: Substring, as kind: Kind, source: Source) throws(DomainError) {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw source.failure("\(kind.name) list has an empty item") }
            bits |= try Self.parseItem(item, kind, source)
        }
        if kind == .dayOfWeek, bits & (1 << 7) != 0 {
            bits = bits & ~(1 << 7) | 1
        }
        self.bits = bits
        isStar = text.hasPrefix("*")
    }

    /// One list item: `*`, `a`, `a-b`, each optionally followed by `/step`.
    private static func parseItem(_ item: Substring, _ kind: Kind, _ source: Source) throws(DomainError) -> UInt64 {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw source.failure("\(kind.name) item \"\(item)\" has more than one step") }
        var step = 1
        if parts.count == 2 {
            guard let value = parseDecimal(String(parts[1])) else {
                throw source.failure("\(kind.name) step \"\(parts[1])\" is not a number")
            }
            guard value >= 1 else { throw source.failure("\(kind.name) step 0 must be at least 1") }
            step = value
        }
        let base = parts[0]
        let range: ClosedRange<Int>
        if base == "*" {
            range = kind.bounds
        } else {
            let ends = base.split(separator: "-", omittingEmptySubsequences: false)
            switch ends.count {
            case 1:
                let value = try value(ends[0], kind, source)
                range = value...(parts.count == 2 ? kind.bounds.upperBound : value)
            case 2:
                let low = try value(ends[0], kind, source)
                let high = try value(ends[1], kind, source)
                guard low <= high else { throw source.failure("\(kind.name) range \(base) is reversed") }
                range = low...high
            default:
                throw source.failure("\(kind.name) \"\(base)\" is not a number or a range")
            }
        }
        var bits: UInt64 = 0
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
            bits |= 1 << UInt64(value)
        }
        return bits
    }

    /// A number within the field's bounds, or a name for months and days of the week.
    private static func value(_ token: Substring, _ kind: Kind, _ source: Source) throws(DomainError) -> Int {
        if let number = parseDecimal(String(token)) {
            guard kind.bounds.contains(number) else {
                throw source.failure(
                    "\(kind.name) \(number) is out of range \(kind.bounds.lowerBound)-\(kind.bounds.upperBound)"
                )
            }
            return number
        }
        if let index = kind.names.firstIndex(of: token.lowercased()) {
            return kind.bounds.lowerBound + index
        }
        if token.isEmpty {
            throw source.failure("\(kind.name) is missing a value")
        }
        let expected = kind.names.isEmpty ? "a number" : "a number or a \(kind == .month ? "month" : "day") name"
        throw source.failure("\(kind.name) \"\(token)\" is not \(expected)")
    }
}
