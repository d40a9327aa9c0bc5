import Foundation

/// Unix seconds as decimal text: fdTasksConfLastExecTime, fdTokenTimestamp,
/// fdRefreshTokenExpiry (spec §3.1). PHP writes `time()`, a whole number of seconds.
public enum UnixTime {
    /// Parses an optionally negative integer of ASCII digits. Fractions, spaces, `+` and
    /// exponents are rejected: PHP never writes them, and accepting `1e9` would revive
    /// PHP's loose numeric comparisons.
    public static func parse(_ text: String, attribute: String) throws(DomainError) -> Date {
        let negative = text.hasPrefix("-")
        guard let magnitude = parseDecimal(negative ? String(text.dropFirst()) : text) else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected whole Unix seconds")
        }
        return Date(timeIntervalSince1970: TimeInterval(negative ? -magnitude : magnitude))
    }

    /// Whole seconds (fractions truncated towards the past), as PHP's `time()` would print.
    public static func format(_ date: Date) -> String {
        String(LocalDateTime.wholeSeconds(date))
    }
}
