import Foundation

/// An LDAP GeneralizedTime (RFC 4517 §3.3.13), as used by `fdAuditDateTime` (spec §3.1, §2).
///
/// Kept as whole Unix seconds plus nanoseconds rather than a `Date`: a `Double` cannot hold
/// a 2026 timestamp with six fraction digits exactly, and the value is part of audit DNs,
/// so it must print back digit for digit.
public struct GeneralizedTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Unix seconds (UTC).
    public let seconds: Int
    /// 0..<1_000_000_000.
    public let nanoseconds: Int

    public init(seconds: Int, nanoseconds: Int = 0) {
        let (carry, nanos) = CivilCalendar.floorDivide(nanoseconds, 1_000_000_000)
        self.seconds = seconds + carry
        self.nanoseconds = nanos
    }

    /// From an instant, to the microsecond (PHP's `u`, which FD uses for audit times).
    public init(date: Date) {
        let whole = LocalDateTime.wholeSeconds(date)
        let fraction = date.timeIntervalSince1970 - TimeInterval(whole)
        let micros = fraction.isFinite ? Int((fraction * 1_000_000).rounded()) : 0
        self.init(seconds: whole, nanoseconds: micros * 1_000)
    }

    public var date: Date {
        Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanoseconds) / 1e9)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public var description: String { ldapString }

    /// Parses `YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|±HH[MM])`.
    ///
    /// As in RFC 4517, a fraction applies to the last unit given (`2026090108.5Z` is 08:30)
    /// and second 60 (a leap second) rolls into the next minute. Fraction digits beyond
    /// nanoseconds are truncated. Local times without a zone are rejected: the syntax
    /// requires one, and guessing a zone would misdate events by hours.
    public init(parsing text: String, attribute: String = "fdAuditDateTime") throws(DomainError) {
        func invalid(_ reason: String) -> DomainError {
            .invalidValue(attribute: attribute, value: text, reason: reason)
        }
        var scanner = DigitScanner(text)
        guard let y = scanner.digits(4), let mo = scanner.digits(2), let d = scanner.digits(2),
              let h = scanner.digits(2)
        else { throw invalid("expected YYYYMMDDHH at the start") }
        var minute: Int?
        var second: Int?
        if scanner.peek.map({ (0x30...0x39).contains($0) }) == true {
            guard let mi = scanner.digits(2) else { throw invalid("minutes need two digits") }
            minute = mi
            if scanner.peek.map({ (0x30...0x39).contains($0) }) == true {
                guard let s = scanner.digits(2) else { throw invalid("seconds need two digits") }
                guard s <= 60 else { throw invalid("second \(s) is outside 00–60") }
                second = s
            }
        }
        var fraction = ""
        if scanner.oneOf(".,") != nil {
            fraction = scanner.digitRun()
            guard !fraction.isEmpty else { throw invalid("a fraction needs at least one digit") }
        }
        let offset = try Self.parseZone(&scanner, invalid)

        let wall: LocalDateTime
        do throws(DomainError) {
            wall = try LocalDateTime(year: y, month: mo, day: d, hour: h, minute: minute ?? 0, attribute: attribute)
        } catch {
            throw CalendarDate.reattributed(error, value: text)
        }
        let unit = second != nil ? 1 : (minute != nil ? 60 : 3_600)
        let nanos = Self.nanoseconds(ofFraction: fraction) * unit
        self.init(seconds: wall.wallSeconds + (second ?? 0) - offset, nanoseconds: nanos)
    }

    /// Seconds east of UTC; consumes the zone and requires the end of input after it.
    private static func parseZone(
        _ scanner: inout DigitScanner, _ invalid: (String) -> DomainError
    ) throws(DomainError) -> Int {
        guard let sign = scanner.oneOf("Z+-") else { throw invalid("expected a time zone: Z, +HHMM or -HHMM") }
        var offset = 0
        if sign != UInt8(ascii: "Z") {
            guard let hours = scanner.digits(2), hours <= 23 else { throw invalid("zone offset hours must be 00–23") }
            var minutes = 0
            if !scanner.isAtEnd {
                guard let m = scanner.digits(2), m <= 59 else { throw invalid("zone offset minutes must be 00–59") }
                minutes = m
            }
            offset = (hours * 3_600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        guard scanner.isAtEnd else { throw invalid("unexpected characters after the time zone") }
        return offset
    }

    /// A decimal fraction ("5", "123456", …) as nanoseconds of one unit, truncated.
    private static func nanoseconds(ofFraction digits: String) -> Int {
        guard !digits.isEmpty else { return 0 }
        let kept = String(digits.prefix(9))
        var value = Int(kept) ?? 0
        for _ in kept.count..<9 { value *= 10 }
        return value
    }

    /// FD's form (integrator `GeneralizedTime::toString`): UTC, `Z`; with a fraction, trailing
    /// zeros of the fraction removed; without one, trailing `00` seconds and then `00`
    /// minutes removed. 2026-09-01 08:00:00Z → `2026090108Z`; 08:10:00 → `202609010810Z`.
    public var ldapString: String {
        let utc = LocalDateTime(wallSeconds: seconds)
        var digits = utc.fdSchedule
        if nanoseconds != 0 {
            var fraction = pad(nanoseconds, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(digits).\(fraction)Z"
        }
        if digits.hasSuffix("0000") {
            digits.removeLast(4)
        } else if digits.hasSuffix("00") {
            digits.removeLast(2)
        }
        return digits + "Z"
    }
}
