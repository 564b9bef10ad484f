import Foundation
import Testing
@testable import LagesbildModel

/// Swedish local time from UTC: CET, and CEST from the last Sunday of March 01:00 UTC to the last Sunday of October
/// 01:00 UTC.
@Suite struct SwedishTimeTests {
    /// Around both changes of 2026 (29 March, 25 October) and at ordinary times, as "YYYY-MM-DD HH:MM".
    @Test(arguments: [
        ("2026-03-29T00:59:59Z", "2026-03-29 01:59"),  // the last second of winter time: 01:59:59 CET
        ("2026-03-29T01:00:00Z", "2026-03-29 03:00"),  // clocks go from 02:00 to 03:00 CEST
        ("2026-03-29T01:30:00Z", "2026-03-29 03:30"),
        ("2026-10-25T00:59:59Z", "2026-10-25 02:59"),  // the last second of summer time: 02:59:59 CEST
        ("2026-10-25T01:00:00Z", "2026-10-25 02:00"),  // clocks go back from 03:00 to 02:00 CET
        ("2026-10-25T01:30:00Z", "2026-10-25 02:30"),
        ("2026-07-01T10:00:00Z", "2026-07-01 12:00"),
        ("2026-01-15T23:30:00Z", "2026-01-16 00:30"),  // the local day is the next one
        ("2025-12-31T23:00:00Z", "2026-01-01 00:00"),
        ("2024-02-29T22:59:00Z", "2024-02-29 23:59"),
        ("2025-11-30T10:41:07Z", "2025-11-30 11:41"),
    ])
    func localMinute(utc: String, local: String) {
        #expect(SwedishTime.minute(utc: utc) == local)
    }

    @Test func theChangesAreOnTheLastSundays() {
        // 2024: 31 March and 27 October; 2025: 30 March and 26 October; 2026: 29 March and 25 October.
        for (year, march, october) in [(2024, 31, 27), (2025, 30, 26), (2026, 29, 25)] {
            #expect(SwedishTime.summerTimeStart(year) == SwedishTime.days(year: year, month: 3, day: march) * 86_400 + 3600)
            #expect(SwedishTime.summerTimeEnd(year) == SwedishTime.days(year: year, month: 10, day: october) * 86_400 + 3600)
        }
        #expect(SwedishTime.utcOffset(at: Date(timeIntervalSince1970: TimeInterval(SwedishTime.summerTimeStart(2026) - 1))) == 3600)
        #expect(SwedishTime.utcOffset(at: Date(timeIntervalSince1970: TimeInterval(SwedishTime.summerTimeStart(2026)))) == 7200)
        #expect(SwedishTime.utcOffset(at: Date(timeIntervalSince1970: TimeInterval(SwedishTime.summerTimeEnd(2026) - 1))) == 7200)
        #expect(SwedishTime.utcOffset(at: Date(timeIntervalSince1970: TimeInterval(SwedishTime.summerTimeEnd(2026)))) == 3600)
    }

    /// A local day for the log's filter: 23 hours on the day summer time begins, 25 when it ends.
    @Test func localDaysForAFilter() throws {
        let iso = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0)!)
        func utc(_ date: Date?) -> String? { date.map { $0.formatted(iso) } }
        #expect(utc(SwedishTime.startOfDay("2026-03-29")) == "2026-03-28T23:00:00Z")
        #expect(utc(SwedishTime.startOfNextDay("2026-03-29")) == "2026-03-29T22:00:00Z")
        #expect(utc(SwedishTime.startOfDay("2026-10-25")) == "2026-10-24T22:00:00Z")
        #expect(utc(SwedishTime.startOfNextDay("2026-10-25")) == "2026-10-25T23:00:00Z")
        #expect(utc(SwedishTime.startOfNextDay("2026-12-31")) == "2026-12-31T23:00:00Z")
        #expect(SwedishTime.startOfDay("2026-13-01") == nil && SwedishTime.startOfDay("i går") == nil)
    }

    @Test func aTextThatIsNoTimestampIsShownAsItIs() {
        #expect(SwedishTime.minute(utc: "okänd") == "okänd")
        #expect(SwedishTime.minute(utc: "2026-03-29T01:00Z") == "2026-03-29 03:00")
        #expect(SwedishTime.date(utc: "2026-03-29T01:00:00.250Z") == Date(timeIntervalSince1970: 1_774_746_000))
    }

    /// The same offset as the zone database, every hour from 1997 to 2037 and a second either side of every change,
    /// where Foundation has the zone (the test binary links it dynamically; see ``SwedishTime`` for why the program
    /// does not ask it).
    @Test(.enabled(if: TimeZone(identifier: "Europe/Stockholm") != nil))
    func agreesWithTheZoneDatabase() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Stockholm"))
        var instants: [Int] = []
        for year in 1997...2037 {
            for change in [SwedishTime.summerTimeStart(year), SwedishTime.summerTimeEnd(year)] { instants += [change - 1, change] }
        }
        instants += stride(from: SwedishTime.days(year: 1997, month: 1, day: 1) * 86_400, to: SwedishTime.days(year: 2038, month: 1, day: 1) * 86_400,
                           by: 3600)
        let disagreements = instants.filter { seconds in
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            return SwedishTime.utcOffset(at: date) != zone.secondsFromGMT(for: date)
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(3))")
    }
}
