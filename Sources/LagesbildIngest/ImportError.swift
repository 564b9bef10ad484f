import LagesbildModel
import LagesbildStore

/// What can be wrong with an input file. Rendered as Swedish sentences in one place, ``ImportError/description``.
public enum ImportProblem: Equatable, Sendable {
    case fileNotFound
    case isDirectory
    case unreadable(reason: String)
    case emptyFile
    case onlyBlankLines
    case headerOnly
    case utf16WithoutByteOrderMark
    case nulByte
    case undefinedWindows1252Byte(UInt8)
    case invalidUTF16
    case unterminatedQuote
    case fieldTooLong(limit: Int)
    case tooManyFields(limit: Int)
    case recordTooLong(limit: Int)
    case unknownKind(headers: [String])
    case kindMismatch(expected: DataKind, detected: DataKind?)
    case unknownColumn(String, kind: DataKind)
    case duplicateColumn(String, firstPosition: Int)
    case emptyHeader(position: Int)
    case missingColumns([String], kind: DataKind)
    case fieldCount(expected: Int, found: Int)
    case notANonNegativeInteger(String)
    case integerTooLarge(String)
    case yearOutOfRange(String)
    case monthOutOfRange(String)
    case unknownValue(String, allowed: String)
    case emptyRequiredValue
    case invalidKommun(String)
    case unknownKommun(String)
    case unknownRegion(String)
    case notANumber(String)
    case partExceedsWhole(part: String, partValue: Int, whole: String, wholeValue: Int)
    case personalIdentityNumber
    case labelTooLong(limit: Int)
    /// A control character in a text: a bidirectional override (which makes a label read backwards: U+202A–U+202E,
    /// U+2066–U+2069) or a C0 control other than tab and line ends.
    case controlCharacter(UInt32)
    case duplicateKey(firstLine: Int)
    /// A signal row without a kategori (a zero report: ``ZeroReport``) that has signals, or a value a zero report cannot have.
    case zeroReportWithCount(Int)
    case zeroReportWithValue(String)
    case zeroReportWithoutSource
    /// A zero report for a month the same källa has signals for: in the same import (`line`), or stored (`rows`).
    case zeroReportBesideSignals(source: String, month: String, line: Int?, rows: Int)
    // Official statistics (JSON-stat, Kolada, PxWeb CSV).
    case invalidJSON(String)
    case unknownJSON
    /// A GeoJSON file of boundaries that cannot be read as it is; the text says why.
    case geoJSON(String)
    case jsonStatField(String)
    case jsonStatSizeMismatch(dimensions: String, expected: Int, found: Int)
    case ambiguousDimension(String, categories: String)
    case mixedPopulationAndOther
    case duplicateValue(firstPlace: String)
    case notAYear(String)
    case pxwebMissingColumn(String)
    case fileTooLarge(limit: Int)
    /// A population table that holds only a part of the population (one sex, one civil status, ...).
    case populationPart(dimension: String, values: [String])
    case populationAgesIncomplete(values: [String])
    case populationNotSummable(dimension: String)
    case populationUnknownDimension(dimension: String, values: [String])
    /// A population table whose periods include no year's end (months without December, ...).
    case populationNoYearEnd(periods: [String])
    /// A month or quarter in a table of another measure than population.
    case subYearPeriod(String)
    // Excel workbooks.
    case encryptedWorkbook
    case oldExcelWorkbook
    case otherBinaryOfficeFile
    case binaryWorkbook
    case openDocumentSpreadsheet
    case otherOpenDocument
    case numbersSpreadsheet
    case pdfFile
    case notAWorkbook(String)
    case workbookWithMacros
    case zipBomb(path: String, size: UInt64)
    /// Sheets whose relationships point at one part of the workbook.
    case sheetsShareAPart([String], path: String)
    /// The parts of one workbook inflate beyond its limit together; `path` is the part that reached it.
    case workbookTooLarge(path: String, limit: UInt64)
    /// The workbooks of one import inflate beyond its limit together.
    case importTooLarge(path: String, limit: UInt64)
    case tooManySharedStrings(limit: Int)
    case tooManyCells(limit: Int)
    case columnBeyondExcel(String)
    case errorCell(String)
    case booleanCell(String)
    case formulaWithoutValue
    case cellOutsideHeader(lastColumn: String)
    case sheetNotFound(String, available: [String])
    case sheetNotAKind(String)
    case workbookWithoutData(skipped: [String])
    // A rapportör's upload in the workspace.
    case kindOutsideScope(DataKind)
    case valueOutsideScope(String, allowed: [String])
    /// A rapportör's row for another municipality than their own.
    case kommunOutsideScope(String, own: String)
    /// A name not in its register (källor, förvaltningar, områden, samverkansaktörer), with the nearest registered names.
    case unknownName(NameRegister, String, suggestions: [String], registerIsEmpty: Bool)
}

/// An input problem located in a file (and where known, a line and a column).
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    /// The Swedish column name as the user knows it.
    public let column: String?
    public let problem: ImportProblem
    /// Where in a file without lines (JSON) the problem is, e.g. `värde 17 (område 2313, år 2024)`.
    public let place: String?
    /// For a workbook: `blad "Signaler", cell G57` (or just the sheet).
    public var sheetCell: String? = nil

    public init(file: String, line: Int? = nil, column: String? = nil, place: String? = nil, problem: ImportProblem) {
        self.file = file
        self.line = line
        self.column = column
        self.place = place
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let sheetCell { location += ", \(sheetCell)" } else if let line { location += ":\(line)" }
        if let place { location += ": \(place)" }
        if let column { location += ": kolumnen \"\(column)\"" }
        return "\(location): \(problem.sentence)"
    }
}

extension ImportProblem {
    /// `"a", "b", "c", … (12 i allt)`: a list short enough for one message line; with `and`, a short list
    /// ends in `och` (`"a", "b" och "c"`).
    static func quotedList(_ values: [String], and: Bool = false) -> String {
        let quoted = values.prefix(6).map { "\"\($0)\"" }
        if values.count > 6 { return quoted.joined(separator: ", ") + ", … (\(values.count) i allt)" }
        guard and, quoted.count > 1 else { return quoted.joined(separator: ", ") }
        return quoted.dropLast().joined(separator: ", ") + " och " + quoted[quoted.count - 1]
    }

    /// The Swedish sentence a coordinator reads.
    package var sentence: String {
        switch self {
        case .fileNotFound: "filen finns inte"
        case .isDirectory: "är en mapp, inte en fil"
        case .unreadable(let reason): "filen kan inte läsas (\(reason))"
        case .emptyFile: "filen är tom"
        case .onlyBlankLines: "filen är tom: den har bara tomma rader eller avgränsare, ingen rubrikrad och inga data"
        case .headerOnly: "filen innehåller bara rubrikraden och inga datarader"
        case .utf16WithoutByteOrderMark:
            "filen ser ut att vara UTF-16 utan byte-ordningsmärke (BOM), vilket inte kan läsas säkert; spara den i Excel som \"CSV UTF-8 (kommaavgränsad)\" eller \"Unicode-text\""
        case .nulByte: "filen innehåller NUL-byte och ser inte ut att vara en textfil"
        case .undefinedWindows1252Byte(let byte):
            "byte 0x\(String(byte, radix: 16, uppercase: true)) är varken giltig UTF-8 eller ett tecken i Windows-1252; spara filen i Excel som \"CSV UTF-8 (kommaavgränsad)\""
        case .invalidUTF16: "filen är märkt som UTF-16 men innehåller ogiltiga tecken"
        case .unterminatedQuote: "ett citattecken (\") som börjar här avslutas aldrig"
        case .fieldTooLong(let limit): "ett fält är längre än \(limit) byte"
        case .tooManyFields(let limit): "raden har fler än \(limit) fält"
        case .recordTooLong(let limit): "raden är längre än \(limit) byte"
        case .unknownKind(let headers):
            "kan inte avgöra vilken sorts fil det är utifrån rubrikerna (\(headers.map { "\"\($0)\"" }.joined(separator: ", "))); förväntade rubriker för \(DataKind.listInSwedish) (se README), eller ange --kind"
        case .kindMismatch(let expected, let detected):
            if let detected {
                "rubrikerna ser ut som \(detected.rawValue), inte \(expected.rawValue) som angavs med --kind"
            } else {
                "rubrikerna passar inte filtypen \(expected.rawValue)"
            }
        case .unknownColumn(let name, let kind):
            "okänd kolumn \"\(name)\" för \(kind.rawValue); tillåtna kolumner är \(kind.columns.map(\.name).joined(separator: ", ")). Okända kolumner vägras så att inga personuppgifter hamnar i databasen"
        case .duplicateColumn(let name, let first): "kolumnen \"\(name)\" förekommer två gånger (första gången som kolumn \(first))"
        case .emptyHeader(let position): "kolumn \(position) saknar rubrik"
        case .missingColumns(let names, let kind):
            "obligatorisk kolumn saknas för \(kind.rawValue): \(names.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .fieldCount(let expected, let found): "raden har \(found) fält men rubrikraden har \(expected)"
        case .notANonNegativeInteger(let value): "\"\(value)\" är inte ett icke-negativt heltal"
        case .integerTooLarge(let value): "\"\(value)\" är för stort (högst 2 147 483 647)"
        case .yearOutOfRange(let value): "\"\(value)\" är inte ett år \(Years.validInSwedish)"
        case .monthOutOfRange(let value): "\"\(value)\" är inte en månad 1–12 (lämna tomt för hela året)"
        case .unknownValue(let value, let allowed): "okänt värde \"\(value)\"; tillåtna värden är \(allowed)"
        case .emptyRequiredValue: "värdet saknas men är obligatoriskt"
        case .invalidKommun(let value): "\"\(value)\" är inte en kommunkod med fyra siffror (t.ex. 2313)"
        case .unknownKommun(let value): "\"\(value)\" är ingen kommun i SCB:s kommunindelning (290 kommuner, t.ex. 2313 Strömsund)"
        case .unknownRegion(let value):
            "\"\(value)\" är ingen regionkod i SCB:s indelning (00 riket, två siffror för ett län, t.ex. 23, fyra för en kommun, t.ex. 2313)"
        case .notANumber(let value): "\"\(value)\" är inte ett tal (t.ex. 12,5)"
        case .partExceedsWhole(let part, let partValue, let whole, let wholeValue):
            "\(part) (\(partValue)) är större än \(whole) (\(wholeValue))"
        case .personalIdentityNumber:
            "värdet ser ut som ett personnummer eller samordningsnummer; lagesbild tar bara emot antal, aldrig uppgifter om personer. Ta bort det ur filen"
        case .labelTooLong(let limit): "texten är längre än \(limit) tecken"
        case .controlCharacter(let scalar):
            "texten innehåller ett styrtecken (U+\(String(format: "%04X", scalar))), som inte syns men kan ändra hur texten visas; ta bort det"
        case .duplicateKey(let firstLine): "samma rad (samma nyckel) finns redan på rad \(firstLine) i filen"
        case .zeroReportWithCount(let count):
            "kategori saknas men antal är \(count): en rad med signaler ska ha en kategori (en rad utan kategori är en nollrapport, "
                + "inga signaler den månaden, och har antal 0)"
        case .zeroReportWithValue(let column):
            "en rad utan kategori är en nollrapport (inga signaler den månaden) och har ingen \(column); lämna \(column) tom eller ange kategorin"
        case .zeroReportWithoutSource:
            "en rad utan kategori är en nollrapport (inga signaler den månaden) och ska ange källan som inte hade några signaler"
        case .zeroReportBesideSignals(let source, let month, let line, let rows):
            if let line {
                "nollrapport för källan \"\(source)\" \(month), men rad \(line) har signaler för samma källa och månad"
            } else {
                "nollrapport för källan \"\(source)\" \(month), men det finns redan \(rows) \(rows == 1 ? "signalrad" : "signalrader") "
                    + "för samma källa och månad; ta bort dem först (en nollrapport ersätter inga signaler)"
            }
        case .invalidJSON(let reason): "filen är inte giltig JSON (\(reason))"
        case .geoJSON(let text): text
        case .unknownJSON:
            "JSON-filen är varken JSON-stat 2.0 från SCB:s statistikdatabas (\"version\": \"2.0\", \"class\": \"dataset\") eller data eller nyckeltalsbeskrivningar från Kolada (\"values\" med \"kpi\", \"municipality\", \"period\"); se README om hur filerna laddas ner"
        case .jsonStatField(let what): "JSON-stat: \(what)"
        case .jsonStatSizeMismatch(let dimensions, let expected, let found):
            "JSON-stat: dimensionernas storlekar (\(dimensions) = \(expected)) stämmer inte med antalet värden (\(found)); filen är trasig eller ändrad"
        case .ambiguousDimension(let name, let categories):
            "dimensionen \"\(name)\" har flera kategorier (\(categories)) och ingen av dem är en summa; välj en kategori, t.ex. totalt, när tabellen laddas ner"
        case .mixedPopulationAndOther:
            "filen blandar folkmängd (BE0101N1) med andra mått; ladda ner folkmängden och de andra måtten som separata filer"
        case .duplicateValue(let firstPlace): "samma område, år, mått och kön finns redan (\(firstPlace))"
        case .notAYear(let value): "\"\(value)\" är inte ett år \(Years.validInSwedish)"
        case .pxwebMissingColumn(let what): "PxWeb-filen saknar \(what)"
        case .fileTooLarge(let limit): "filen är större än \(limit / 1_000_000) MB; ladda ner ett mindre urval"
        case .populationPart(let dimension, let values):
            "filen gäller bara \(dimension.lowercased()) \(Self.quotedList(values)); hämta folkmängden totalt"
        case .populationAgesIncomplete(let values):
            "filen gäller bara åldrarna \(Self.quotedList(values)), inte alla åldrar från 0 till en öppen högsta klass som \"100+\" utan lucka eller överlapp; hämta folkmängden totalt"
        case .populationNotSummable(let dimension):
            "\(dimension.lowercased()) har flera kategorier och ingen summa, och tabellen får inte summeras (aggregallowed: false); hämta folkmängden totalt"
        case .populationUnknownDimension(let dimension, let values):
            "dimensionen \"\(dimension)\" har kategorierna \(Self.quotedList(values)) och ingen av dem är totalt; hämta folkmängden totalt"
        case .populationNoYearEnd(let periods):
            "filen har folkmängden för \(Self.quotedList(periods)) men för inget årsskifte (året, december som \"2024M12\" eller fjärde kvartalet som \"2024K4\"); folkmängden summeras aldrig över månader. Hämta tabellen \"Folkmängd efter region och år\" (BE0101N1) i stället"
        case .subYearPeriod(let period):
            "perioden \"\(period)\" är inte ett år; referensserier läses per år. Hämta årsvärden"
        case .encryptedWorkbook:
            "arbetsboken är krypterad (skyddad med lösenord) och kan inte läsas; öppna den, ta bort lösenordet och spara som Excel-arbetsbok (.xlsx) eller CSV"
        case .oldExcelWorkbook:
            "filen är en arbetsbok i Excels gamla format (.xls, Excel 97–2003), som lagesbild inte läser; öppna den och spara som Excel-arbetsbok (.xlsx) eller CSV"
        case .otherBinaryOfficeFile:
            "filen är ett dokument i Microsoft Offices gamla binära format men ingen arbetsbok; spara uppgifterna som Excel-arbetsbok (.xlsx) eller CSV"
        case .binaryWorkbook:
            "arbetsboken är sparad som binär Excel-arbetsbok (.xlsb), som lagesbild inte läser; spara som Excel-arbetsbok (.xlsx) eller CSV"
        case .openDocumentSpreadsheet:
            "filen är ett OpenDocument-kalkylark (.ods, t.ex. från LibreOffice), som lagesbild inte läser; spara som Excel-arbetsbok (.xlsx) eller CSV"
        case .otherOpenDocument:
            "filen är ett OpenDocument-dokument men inget kalkylark; spara uppgifterna som Excel-arbetsbok (.xlsx) eller CSV"
        case .numbersSpreadsheet:
            "filen är ett Numbers-kalkylark, som lagesbild inte läser; exportera det som Excel-arbetsbok (.xlsx) eller CSV"
        case .pdfFile:
            "filen är en PDF, som lagesbild inte läser; spara uppgifterna som Excel-arbetsbok (.xlsx) eller CSV"
        case .notAWorkbook(let reason): "filen kan inte läsas som Excel-arbetsbok (.xlsx): \(reason)"
        case .workbookWithMacros:
            "arbetsboken är en makroarbetsbok (.xlsm, med makron i VBA), som lagesbild inte läser; spara den som Excel-arbetsbok (.xlsx) utan makron eller som CSV"
        case .zipBomb(let path, let size):
            "delen \(path) packas upp till orimligt mycket (\(size / 1_000_000) MB eller mer); filen ser ut som en zip-bomb och läses inte"
        case .sheetsShareAPart(let names, let path):
            "bladen \(Self.quotedList(names, and: true)) pekar på samma del (\(path)), men varje blad ska ha en egen del, som i arbetsböcker från Excel och LibreOffice; filen läses inte"
        case .workbookTooLarge(let path, let limit):
            "arbetsbokens delar packas tillsammans upp till mer än \(SwedishFormat.integer(Int(limit / 1_000_000))) MB, gränsen för en arbetsbok (nådd i delen \(path)); filen ser ut som en zip-bomb och läses inte"
        case .importTooLarge(let path, let limit):
            "importens arbetsböcker packas tillsammans upp till mer än \(SwedishFormat.integer(Int(limit / 1_000_000))) MB, gränsen för en import (nådd i delen \(path)); läs in filerna i flera omgångar"
        case .tooManySharedStrings(let limit): "arbetsboken har fler än \(SwedishFormat.integer(limit)) olika texter; dela upp den"
        case .tooManyCells(let limit): "bladet har fler än \(SwedishFormat.integer(limit)) celler; dela upp det"
        case .columnBeyondExcel(let reference): "cellen \(reference) ligger utanför Excels största kolumn (XFD)"
        case .errorCell(let value): "cellen innehåller felet \(value) i stället för ett värde; rätta formeln"
        case .booleanCell(let value): "cellen är ett sanningsvärde (\(value == "1" ? "SANT" : "FALSKT")), inte ett tal eller en text"
        case .formulaWithoutValue: "formeln har inget beräknat värde; öppna arbetsboken i Excel eller LibreOffice, räkna om och spara"
        case .cellOutsideHeader(let lastColumn): "cellen ligger till höger om rubrikraden (sista rubriken står i kolumn \(lastColumn))"
        case .sheetNotFound(let name, let available):
            "arbetsboken har inget blad \"\(name)\"; bladen är \(available.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .workbookWithoutData(let skipped):
            "arbetsboken har inget blad med data att läsa in" + (skipped.isEmpty ? "" : " (hoppade över \(skipped.joined(separator: ", ")))")
        case .sheetNotAKind(let name): "bladet \"\(name)\" har ingen rubrikrad som lagesbild känner igen (se README för kolumnerna)"
        case .kindOutsideScope(let kind):
            "filen är av typen \(kind.rawValue), som ditt konto inte rapporterar; samordnaren läser in den"
        case .kommunOutsideScope(let value, let own):
            "\"\(value)\" är inte din kommun; ditt konto rapporterar bara för kommun \(own)"
        case .unknownName(let register, let name, let suggestions, let empty):
            register.refusal(of: name, suggestions: suggestions, registerIsEmpty: empty)
        case .valueOutsideScope(let value, let allowed):
            "\"\(value)\" är inte din; ditt konto rapporterar bara för \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))"
        }
    }
}

extension ImportError: UserFacingError {
    /// A name refused because it is not in its register.
    public var isUnknownName: Bool { if case .unknownName = problem { true } else { false } }
}
