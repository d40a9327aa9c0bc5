/// Finding matching wall times, zone-free: walls are seconds since 1970-01-01 00:00:00 of the
/// wall clock (`LocalDateTime.wallSeconds`). The search skips whole months, days and hours
/// that cannot match instead of trying every minute, and stops at a bound, so an impossible
/// expression (`0 0 30 2 *`) costs a few hundred steps for eight years.
extension CronSchedule {
    /// Whether the calendar day matches the day-of-month and day-of-week fields.
    func dayMatches(year: Int, month: Int, day: Int) -> Bool {
        let weekday = CivilCalendar.floorDivide(CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) + 4, 7)
            .remainder  // 1970-01-01 was a Thursday; 0 is Sunday
        let byDay = daysOfMonth.contains(day)
        let byWeekday = daysOfWeek.contains(weekday)
        return daysOfMonth.isStar || daysOfWeek.isStar ? byDay && byWeekday : byDay || byWeekday
    }

    /// The earliest matching whole minute in `from...through`.
    func firstWall(from: Int, through limit: Int) -> Int? {
        let start = CivilCalendar.floorDivide(from + 59, 60).quotient * 60
        guard start <= limit else { return nil }
        let (days, secondOfDay) = CivilCalendar.floorDivide(start, 86_400)
        var (year, month, day) = CivilCalendar.civil(daysSinceEpoch: days)
        var hour = secondOfDay / 3_600
        var minute = secondOfDay % 3_600 / 60

        func nextDay() {
            day += 1
            hour = 0
            minute = 0
            if day > CivilCalendar.daysInMonth(year: year, month: month) {
                day = 1
                month += 1
                if month > 12 { month = 1; year += 1 }
            }
        }

        while true {
            let midnight = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) * 86_400
            guard midnight + hour * 3_600 + minute * 60 <= limit else { return nil }
            guard months.contains(month) else {
                if let later = months.next(from: month + 1) {
                    month = later
                } else {
                    month = months.next(from: 1) ?? 1
                    year += 1
                }
                (day, hour, minute) = (1, 0, 0)
                continue
            }
            guard dayMatches(year: year, month: month, day: day), let matchingHour = hours.next(from: hour) else {
                nextDay()
                continue
            }
            if matchingHour != hour { (hour, minute) = (matchingHour, 0) }
            guard let matchingMinute = minutes.next(from: minute) else {
                if hour == 23 { nextDay() } else { (hour, minute) = (hour + 1, 0) }
                continue
            }
            let wall = midnight + hour * 3_600 + matchingMinute * 60
            return wall <= limit ? wall : nil
        }
    }

    /// The latest matching whole minute in `from...through`.
    func lastWall(through: Int, from limit: Int) -> Int? {
        let start = CivilCalendar.floorDivide(through, 60).quotient * 60
        guard start >= limit else { return nil }
        let (days, secondOfDay) = CivilCalendar.floorDivide(start, 86_400)
        var (year, month, day) = CivilCalendar.civil(daysSinceEpoch: days)
        var hour = secondOfDay / 3_600
        var minute = secondOfDay % 3_600 / 60

        func previousDay() {
            day -= 1
            hour = 23
            minute = 59
            if day < 1 {
                month -= 1
                if month < 1 { month = 12; year -= 1 }
                day = CivilCalendar.daysInMonth(year: year, month: month)
            }
        }

        while true {
            let midnight = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day) * 86_400
            guard midnight + hour * 3_600 + minute * 60 >= limit else { return nil }
            guard months.contains(month) else {
                if let earlier = months.previous(from: month - 1) {
                    month = earlier
                } else {
                    month = months.previous(from: 12) ?? 12
                    year -= 1
                }
                (day, hour, minute) = (CivilCalendar.daysInMonth(year: year, month: month), 23, 59)
                continue
            }
            guard dayMatches(year: year, month: month, day: day), let matchingHour = hours.previous(from: hour) else {
                previousDay()
                continue
            }
            if matchingHour != hour { (hour, minute) = (matchingHour, 59) }
            guard let matchingMinute = minutes.previous(from: minute) else {
                if hour == 0 { previousDay() } else { (hour, minute) = (hour - 1, 59) }
                continue
            }
            let wall = midnight + hour * 3_600 + matchingMinute * 60
            return wall >= limit ? wall : nil
        }
    }
}
