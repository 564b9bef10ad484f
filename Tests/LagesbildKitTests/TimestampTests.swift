import Foundation
import Testing
@testable import LagesbildStore

/// The import log, the audit log and the access log write times as ISO 8601 in UTC to the second; earlier entries were
/// written by Foundation's ICU-based `ISO8601DateFormatter`, so the cheaper style must write exactly the same text
/// (entries are compared and sorted as text).
@Suite struct TimestampTests {
    @Test(arguments: [0, 1_700_000_000, 1_700_000_000.999, 1_764_513_599.5, 951_782_400, 4_102_444_799.9, -86_400.25])
    func timestampIsTheFormerISO8601Text(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let former = ISO8601DateFormatter()
        former.formatOptions = [.withInternetDateTime]
        #expect(Store.timestamp(date) == former.string(from: date))
    }

    /// Cut to the second, never rounded up. (The ICU formatter rounded to the millisecond first, so the last half
    /// millisecond of a second was written as the next second; nothing depends on that.)
    @Test func timestampIsUTCCutToTheSecond() {
        #expect(Store.timestamp(Date(timeIntervalSince1970: 1_764_513_599.75)) == "2025-11-30T14:39:59Z")
        #expect(Store.timestamp(Date(timeIntervalSince1970: 4_102_444_799.9999)) == "2099-12-31T23:59:59Z")
    }
}
