/// A wall-clock date and time without a zone, as FusionDirectory stores task dates
/// (spec §3.1: schedules, last execution and creation dates are all local to `fdTimezone`).
///
/// Always a real calendar moment: the month has that day (leap years included), hours are
/// 0–23, minutes and seconds 0–59. Leap seconds do not occur in FD's formats.
public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int

    /// Validates every field; `attribute` names the source in the error.
    public init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
        attribute: String = "date"
    ) throws(DomainError) {
        let date = try CalendarDate(year: year, month: month, day: day, attribute: attribute)
        // Only an error shows the value: thousands of valid schedules are read per listing.
        var shown: String { "\(date.fdDate) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }
        guard (0...23).contains(hour) else {
            throw .invalidValue(attribute: attribute, value: shown, reason: "hour \(hour) is outside 00–23")
        }
        guard (0...59).contains(minute) else {
            throw .invalidValue(attribute: attribute, value: shown, reason: "minute \(minute) is outside 00–59")
        }
        guard (0...59).contains(second) else {
            throw .invalidValue(attribute: attribute, value: shown, reason: "second \(second) is outside 00–59")
        }
        self.init(unchecked: date, hour: hour, minute: minute, second: second)
    }

    /// Midnight of `date`.
    public init(date: CalendarDate) {
        self.init(unchecked: date, hour: 0, minute: 0, second: 0)
    }

    init(unchecked date: CalendarDate, hour: Int, minute: Int, second: Int) {
        year = date.year
        month = date.month
        day = date.day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The calendar date part.
    public var date: CalendarDate {
        CalendarDate(unchecked: year, month: month, day: day)
    }

    /// Seconds since 1970-01-01 00:00:00 *of the same wall clock*, i.e. as if this were UTC.
    /// The basis of every zone conversion and of calendar arithmetic.
    var wallSeconds: Int {
        date.daysSinceEpoch * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// The wall clock `seconds` after 1970-01-01 00:00:00, clamped to the years 1–9999
    /// that the directory formats can represent.
    init(wallSeconds seconds: Int) {
        let lowest = CalendarDate.lowest.daysSinceEpoch * 86_400
        let highest = (CalendarDate.highest.daysSinceEpoch + 1) * 86_400 - 1
        let clamped = min(max(seconds, lowest), highest)
        let (days, secondOfDay) = CivilCalendar.floorDivide(clamped, 86_400)
        self.init(
            unchecked: CalendarDate(daysSinceEpoch: days),
            hour: secondOfDay / 3_600, minute: secondOfDay % 3_600 / 60, second: secondOfDay % 60
        )
    }

    /// Calendar arithmetic on the wall clock. Months and years keep the day of month when it
    /// exists and otherwise clamp to the month's last day (Jan 31 + 1 month = Feb 28/29),
    /// the usual business reading of "one month later".
    public func adding(years: Int = 0, months: Int = 0, days: Int = 0) -> LocalDateTime {
        let moved = date.adding(years: years, months: months).adding(days: days)
        return LocalDateTime(unchecked: moved, hour: hour, minute: minute, second: second)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.wallSeconds < rhs.wallSeconds
    }

    /// `YYYY-MM-DD HH:MM:SS`, for messages and debugging.
    public var description: String { fdLastExec }
}
