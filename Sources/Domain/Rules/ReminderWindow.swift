import Foundation

/// Whether an account is "about to expire" for a reminder sent `days` before expiry
/// (spec §8.4 e/f): the expiry is in the future and at most `days` whole days away.
public enum ReminderWindow {
    /// For a supann end date (`YYYYMMDD`).
    ///
    /// PHP read the date with the *current time of day* (`createFromFormat('Ymd')` without
    /// `!`), so the distance is in effect a count of calendar days in `zone`: an end date of
    /// today is not in the future, tomorrow is 1 day away.
    public static func shouldRemind(expiry: CalendarDate, days: Int, now: Date, in zone: TimeZone) -> Bool {
        let today = CalendarDate(instant: now, in: zone)
        let remaining = today.days(until: expiry)
        return remaining >= 1 && remaining <= days
    }

    /// For an instant, e.g. shadowExpire as local midnight (`CalendarDate.startInstant(in:)`).
    ///
    /// Whole days are counted on the wall clock of `zone`, like PHP's `DateTime::diff` in one
    /// zone, so a DST change inside the window does not make a day 23 or 25 hours long.
    public static func shouldRemind(expiry: Date, days: Int, now: Date, in zone: TimeZone) -> Bool {
        guard expiry > now, days >= 0 else { return false }
        let wallDistance = LocalDateTime(instant: expiry, in: zone).wallSeconds
            - LocalDateTime(instant: now, in: zone).wallSeconds
        return max(0, wallDistance) / 86_400 <= days
    }

    /// For a POSIX account: shadowExpire is a day count, expiring at local midnight of that day
    /// (spec §8.4 f: 1970-01-01 00:00 local + N days).
    public static func shouldRemind(shadowExpire: CalendarDate, days: Int, now: Date, in zone: TimeZone) -> Bool {
        shouldRemind(expiry: shadowExpire.startInstant(in: zone), days: days, now: now, in: zone)
    }
}

/// How long a reminder's prolongation token stays valid (spec §8.4 g).
public enum ReminderTokenLifetime {
    /// Days of validity for a token sent by the call of `callDays` days.
    ///
    /// PHP: `FirstCall − SecondCall` when the call is the first one, else `SecondCall` — the
    /// first token lives until the second call replaces it, the second until expiry. PHP
    /// crashed when SecondCall was absent (spec §10 #26). Here, when there is no usable second
    /// call (absent, or not strictly between 0 and FirstCall), the token lives until expiry,
    /// i.e. `callDays`. The result is at least 1 so a token is never born expired.
    public static func days(callDays: Int, firstCallDays: Int?, secondCallDays: Int?) -> Int {
        if let first = firstCallDays, callDays == first, let second = secondCallDays, second > 0, second < first {
            return first - second
        }
        return max(1, callDays)
    }
}
