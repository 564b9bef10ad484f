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

/// Decimal values (reference series, PxWeb cells): Swedish and English decimals, spaces, and the exponent form that
/// JSON and spreadsheets write for small or large numbers.
@Suite struct DecimalParserTests {
    @Test(arguments: [("812,5", 812.5), ("812.5", 812.5), ("1 234,5", 1234.5), ("-0,25", -0.25), ("1.5e-05", 0.000015), ("7E1", 70.0)])
    func decimals(_ example: (text: String, value: Double)) {
        #expect(DecimalParser.parse(example.text) == example.value)
    }

    @Test(arguments: ["e5", "1,2,3", "tolv", "", "1.2.3", "--"])
    func notDecimals(_ text: String) {
        #expect(DecimalParser.parse(text) == nil)
    }
}
