import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

/// Which Excel number format codes show a date or time (a number in such a cell is a serial date).
@Suite struct NumberFormatTests {
    @Test(arguments: [
        ("#,##0;[Red]-#,##0", false), ("0\" mån\"", false), ("[$-41D]General", false), ("0\\ \\s\\t", false),
        ("[Blue]0;[Red]-0;0", false), ("0.00E+00", false), ("General", false), ("# ##0 \"st\"", false), ("0_m", false), ("0*m", false),
        ("[>=100]0;0", false), ("yyyy-mm-dd", true), ("d/m/yyyy", true), ("[$-41D]mmmm yyyy", true), ("h:mm", true), ("[h]:mm:ss", true),
        ("[mm]", true), ("\"år \"yyyy", true), ("mmm", true), ("ss.00", true),
    ])
    func dateCodesOutsideQuotesBracketsAndEscapes(_ format: (code: String, isDate: Bool)) {
        #expect(Styles.isDateFormatCode(format.code) == format.isDate, "\(format.code)")
    }
}
