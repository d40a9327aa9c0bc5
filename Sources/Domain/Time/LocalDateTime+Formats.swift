/// The three wall-clock formats FusionDirectory writes on tasks (spec §3.1, §1.1).
/// Each parser accepts exactly the printed form: ASCII digits, fixed widths, no zone suffix.
extension LocalDateTime {
    /// Parses `YYYYMMDDhhmmss` (fdTasksScheduleDate, fdTasksGranularSchedule).
    public init(fdSchedule text: String, attribute: String = "fdTasksScheduleDate") throws(DomainError) {
        var scanner = DigitScanner(text)
        guard text.utf8.count == 14,
              let y = scanner.digits(4), let mo = scanner.digits(2), let d = scanner.digits(2),
              let h = scanner.digits(2), let mi = scanner.digits(2), let s = scanner.digits(2)
        else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected 14 digits YYYYMMDDhhmmss")
        }
        try self.init(validating: text, attribute: attribute, y, mo, d, h, mi, s)
    }

    /// `YYYYMMDDhhmmss`.
    public var fdSchedule: String {
        "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))\(pad(hour, 2))\(pad(minute, 2))\(pad(second, 2))"
    }

    /// Parses `YYYY-MM-DD HH:MM:SS` (fdTasksLastExec, PHP `Y-m-d H:i:s`).
    public init(fdLastExec text: String, attribute: String = "fdTasksLastExec") throws(DomainError) {
        var scanner = DigitScanner(text)
        guard let y = scanner.digits(4), scanner.literal("-"), let mo = scanner.digits(2), scanner.literal("-"),
              let d = scanner.digits(2), scanner.literal(" "), let h = scanner.digits(2), scanner.literal(":"),
              let mi = scanner.digits(2), scanner.literal(":"), let s = scanner.digits(2), scanner.isAtEnd
        else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected YYYY-MM-DD HH:MM:SS")
        }
        try self.init(validating: text, attribute: attribute, y, mo, d, h, mi, s)
    }

    /// `YYYY-MM-DD HH:MM:SS`.
    public var fdLastExec: String {
        "\(date) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }

    /// Parses `YYYY-MM-DD hh:MM:SSam` / `…pm` (fdTasksCreationDate).
    ///
    /// FD formats it with PHP `Y-m-d h:i:sa`: a **12-hour** clock, `h` = 01–12, so midnight
    /// is `12:..am` and noon `12:..pm`. Reading `12` as the hour itself would put every
    /// task created after midnight twelve hours late. `AM`/`PM` in capitals are accepted.
    public init(fdCreationDate text: String, attribute: String = "fdTasksCreationDate") throws(DomainError) {
        var scanner = DigitScanner(text)
        guard let y = scanner.digits(4), scanner.literal("-"), let mo = scanner.digits(2), scanner.literal("-"),
              let d = scanner.digits(2), scanner.literal(" "), let h12 = scanner.digits(2), scanner.literal(":"),
              let mi = scanner.digits(2), scanner.literal(":"), let s = scanner.digits(2)
        else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected YYYY-MM-DD hh:MM:SSam or …pm")
        }
        let meridiem = scanner.rest().lowercased()
        guard meridiem == "am" || meridiem == "pm" else {
            throw .invalidValue(attribute: attribute, value: text, reason: "expected am or pm after the seconds")
        }
        guard (1...12).contains(h12) else {
            throw .invalidValue(attribute: attribute, value: text, reason: "12-hour clock hour must be 01–12")
        }
        let hour = h12 % 12 + (meridiem == "pm" ? 12 : 0)
        try self.init(validating: text, attribute: attribute, y, mo, d, hour, mi, s)
    }

    /// `YYYY-MM-DD hh:MM:SSam|pm`, lower-case like PHP's `a`.
    public var fdCreationDate: String {
        let h12 = hour % 12 == 0 ? 12 : hour % 12
        return "\(date) \(pad(h12, 2)):\(pad(minute, 2)):\(pad(second, 2))\(hour < 12 ? "am" : "pm")"
    }

    private init(
        validating text: String, attribute: String, _ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int
    ) throws(DomainError) {
        do throws(DomainError) {
            try self.init(year: y, month: mo, day: d, hour: h, minute: mi, second: s, attribute: attribute)
        } catch {
            throw CalendarDate.reattributed(error, value: text)
        }
    }
}
