import Foundation

/// Swedish local time (Europe/Stockholm: CET, UTC+1, and from the last Sunday of March to the last Sunday of
/// October CEST, UTC+2, both changes at 01:00 UTC), for every time a person reads; the database and the JSON keep UTC.
///
/// The EU rule is computed here rather than asked of Foundation's `TimeZone`, by measurement (Swift 6.3.1, Linux):
/// in a binary linked with `--static-swift-stdlib`, as the Debian package is, `TimeZone(identifier:
/// "Europe/Stockholm")` is nil unless something else happens to link Foundation's ICU time zones, and such a
/// binary stopped with "Illegal instruction" when `/usr/share/zoneinfo` was absent. Arithmetic on the clock depends
/// on neither tzdata nor ICU, and is the same on every machine. (The rule has held since 1996 and is Swedish law,
/// SFS 1996:879; the tests compare it with the zone database where one is present.)
public enum SwedishTime {
    /// Seconds east of UTC at an instant: 3600 (CET) or 7200 (CEST).
    public static func utcOffset(at date: Date) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let year = civil(days: floorDivide(seconds, 86_400)).year
        let start = summerTimeStart(year), end = summerTimeEnd(year)
        return seconds >= start && seconds < end ? 7200 : 3600
    }

    /// The instant summer time begins in a year (the last Sunday of March, 01:00 UTC), in seconds since 1970.
    public static func summerTimeStart(_ year: Int) -> Int { lastSunday(year: year, month: 3) * 86_400 + 3600 }

    /// The instant summer time ends in a year (the last Sunday of October, 01:00 UTC), in seconds since 1970.
    public static func summerTimeEnd(_ year: Int) -> Int { lastSunday(year: year, month: 10) * 86_400 + 3600 }

    /// The local time to the minute, as the pages show it: "2026-03-29 03:30".
    public static func minute(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffset(at: date)
        let day = civil(days: floorDivide(seconds, 86_400))
        let inDay = seconds - floorDivide(seconds, 86_400) * 86_400
        return String(format: "%04d-%02d-%02d %02d:%02d", day.year, day.month, day.day, inDay / 3600, inDay % 3600 / 60)
    }

    /// The local date of an instant.
    public static func dateParts(_ date: Date) -> (year: Int, month: Int, day: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffset(at: date)
        return civil(days: floorDivide(seconds, 86_400))
    }

    /// A stored UTC timestamp as the local day in words, "12 mars 2026"; a text that is not one is shown as it is.
    public static func day(utc timestamp: String) -> String {
        guard let date = date(utc: timestamp) else { return timestamp }
        let parts = dateParts(date)
        return "\(parts.day) \(SwedishFormat.monthNames[parts.month - 1]) \(parts.year)"
    }

    /// A stored UTC timestamp ("2026-03-29T01:30:00Z", as the store writes them) as local time to the minute; a text
    /// that is not one is shown as it is.
    public static func minute(utc timestamp: String) -> String {
        guard let date = date(utc: timestamp) else { return timestamp }
        return minute(date)
    }

    /// The instant of a stored UTC timestamp ("YYYY-MM-DDTHH:MM[:SS[.fff]]Z"). Read byte by byte: the imports page
    /// and the log convert every row's time.
    public static func date(utc timestamp: String) -> Date? {
        let bytes = Array(timestamp.utf8)
        guard bytes.count >= 17, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes.indices.contains(index), (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60 else { return nil }
        let second = bytes[16] == UInt8(ascii: ":") ? number(17..<19) ?? 0 : 0
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The first instant of a local day ("2026-03-29" from 00:00 Swedish time), for a filter from one day to another:
    /// a day runs from its start to the next day's start (23 hours in March, 25 in October).
    public static func startOfDay(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/), let year = Int(match.1), let month = Int(match.2),
              let day = Int(match.3), (1...12).contains(month), (1...31).contains(day) else { return nil }
        let midnight = days(year: year, month: month, day: day) * 86_400
        // Local midnight is never near a change (01:00 UTC is 02:00 or 03:00 local), so the offset at midnight UTC
        // less an hour is the offset in force at local midnight.
        let offset = utcOffset(at: Date(timeIntervalSince1970: TimeInterval(midnight - 3600)))
        return Date(timeIntervalSince1970: TimeInterval(midnight - offset))
    }

    /// The first instant of the local day after a day.
    public static func startOfNextDay(_ text: String) -> Date? {
        guard let start = startOfDay(text) else { return nil }
        // 26 hours after local midnight is always within the next local day (days are 23 to 25 hours long).
        let next = start.addingTimeInterval(26 * 3600)
        return startOfDay(String(minute(next).prefix(10)))
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, days since 1970-01-01; Howard Hinnant's algorithms)

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Days since 1970-01-01 of a date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day since 1970-01-01.
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day (since 1970-01-01) of the last Sunday of a month with 31 days (March, October).
    static func lastSunday(year: Int, month: Int) -> Int {
        let last = days(year: year, month: month, day: 31)
        // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on a Sunday.
        return last - (last + 4 - floorDivide(last + 4, 7) * 7)
    }
}
