import Foundation

/// A date without time or zone: supann start/end dates (`YYYYMMDD`, spec §3.5) and
/// `shadowExpire` (days since 1970-01-01, spec §3.1).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Validates the date (years 1–9999, real month length, leap years).
    public init(year: Int, month: Int, day: Int, attribute: String = "date") throws(DomainError) {
        // Only an error shows the value: thousands of valid dates are read per listing.
        var shown: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
        guard CivilCalendar.supportedYears.contains(year) else {
            throw .invalidValue(attribute: attribute, value: shown, reason: "year \(year) is outside 0001–9999")
        }
        guard (1...12).contains(month) else {
            throw .invalidValue(attribute: attribute, value: shown, reason: "month \(month) is outside 01–12")
        }
        let length = CivilCalendar.daysInMonth(year: year, month: month)
        guard (1...length).contains(day) else {
            throw .invalidValue(
                attribute: attribute, value: shown,
                reason: "day \(day) does not exist in \(pad(year, 4))-\(pad(month, 2)) (\(length) days)"
            )
        }
        self.init(unchecked: year, month: month, day: day)
    }

    init(unchecked year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static let lowest = CalendarDate(unchecked: 1, month: 1, day: 1)
    static let highest = CalendarDate(unchecked: 9999, month: 12, day: 31)

    /// Internal: the caller guarantees the result lies in years 1–9999 (or accepts clamping).
    init(daysSinceEpoch days: Int) {
        let clamped = min(max(days, Self.lowest.daysSinceEpoch), Self.highest.daysSinceEpoch)
        let civil = CivilCalendar.civil(daysSinceEpoch: clamped)
        self.init(unchecked: civil.year, month: civil.month, day: civil.day)
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
    }

    /// `days` later (or earlier when negative), clamped to 0001-01-01…9999-12-31.
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// Months/years later; a day the target month lacks becomes its last day.
    public func adding(years: Int = 0, months: Int = 0) -> CalendarDate {
        let monthIndex = (year * 12 + (month - 1)) + years * 12 + months
        let (newYear, newMonthIndex) = CivilCalendar.floorDivide(monthIndex, 12)
        guard CivilCalendar.supportedYears.contains(newYear) else {
            return newYear < 1 ? Self.lowest : Self.highest
        }
        let newMonth = newMonthIndex + 1
        let newDay = min(day, CivilCalendar.daysInMonth(year: newYear, month: newMonth))
        return CalendarDate(unchecked: newYear, month: newMonth, day: newDay)
    }

    /// Whole days from this date to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    // MARK: Directory formats

    /// Parses `YYYYMMDD` (supannRessourceEtatDate start/end).
    public init(fdDate text: String, attribute: String = "date") throws(DomainError) {
        var scanner = DigitScanner(text)
        guard text.utf8.count == 8, let y = scanner.digits(4), let m = scanner.digits(2), let d = scanner.digits(2) else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected 8 digits YYYYMMDD")
        }
        do throws(DomainError) {
            try self.init(year: y, month: m, day: d, attribute: attribute)
        } catch {
            throw Self.reattributed(error, value: text)
        }
    }

    /// `YYYYMMDD`.
    public var fdDate: String { "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))" }

    /// Parses `shadowExpire`: an integer count of days since 1970-01-01 (spec §3.1).
    /// A sign is accepted because the syntax is INTEGER; dates outside 0001–9999 are rejected.
    public init(shadowExpire text: String) throws(DomainError) {
        let negative = text.hasPrefix("-")
        guard let magnitude = parseDecimal(negative ? String(text.dropFirst()) : text) else {
            throw .invalidValue(attribute: "shadowExpire", value: text, reason: "expected an integer number of days")
        }
        let days = negative ? -magnitude : magnitude
        guard (Self.lowest.daysSinceEpoch...Self.highest.daysSinceEpoch).contains(days) else {
            throw .invalidValue(attribute: "shadowExpire", value: text, reason: "day count is out of range")
        }
        self.init(daysSinceEpoch: days)
    }

    /// The `shadowExpire` form: days since 1970-01-01 as a decimal string.
    public var shadowExpire: String { String(daysSinceEpoch) }

    // MARK: Zones

    /// The local date of `instant` in `zone`.
    public init(instant: Date, in zone: TimeZone) {
        self = LocalDateTime(instant: instant, in: zone).date
    }

    /// The first instant of this date in `zone` (00:00, or the end of a DST gap at midnight).
    public func startInstant(in zone: TimeZone) -> Date {
        LocalDateTime(date: self).instant(in: zone)
    }

    /// Replaces the echoed value in a field error by the whole input text.
    static func reattributed(_ error: DomainError, value: String) -> DomainError {
        if case let .invalidValue(attribute, _, reason) = error {
            return .invalidValue(attribute: attribute, value: value, reason: reason)
        }
        return error
    }
}
