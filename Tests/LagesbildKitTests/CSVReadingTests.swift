import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

@Suite struct CSVScannerTests {
    /// Records of `text`, fed in chunks of `chunkSize` bytes so records, quotes and CRLF straddle chunks.
    func records(_ text: String, chunkSize: Int = 3) throws -> [(line: Int, fields: [String])] {
        var reader = CSVReader(fileName: "t.csv")
        var result: [(Int, [String])] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try bytes[start..<end].withUnsafeBufferPointer { buffer in
                try reader.feed(buffer) { if !$0.isBlank { result.append(($0.line, $0.strings)) } }
            }
            start = end
        }
        try reader.finish { if !$0.isBlank { result.append(($0.line, $0.strings)) } }
        return result
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func quotedSeparatorsNewlinesAndDoubledQuotes(chunkSize: Int) throws {
        let text = "a;b;c\r\n\"x;y\";\"line1\nline2\";\"say \"\"hi\"\"\"\r\n1;;3"
        #expect(try records(text, chunkSize: chunkSize).map(\.fields) == [["a", "b", "c"], ["x;y", "line1\nline2", "say \"hi\""], ["1", "", "3"]])
    }

    @Test(arguments: [1, 4, 100])
    func lineNumbersCountPhysicalLines(chunkSize: Int) throws {
        let found = try records("h1,h2\n\"a\nb\",c\n\nd,e\r\nf,g\rh,i", chunkSize: chunkSize)
        #expect(found.map(\.line) == [1, 2, 5, 6, 7])
        #expect(found.last?.fields == ["h", "i"])
    }

    @Test func unterminatedQuoteNamesTheLineItStartsOn() throws {
        #expect(throws: ImportError(file: "t.csv", line: 2, problem: .unterminatedQuote)) {
            _ = try records("a;b\n1;\"open\n2;3\n")
        }
    }

    @Test func hugeFieldsAreRefusedWithoutBeingHeld() throws {
        let text = "a;b\n1;" + String(repeating: "x", count: CSVScanner.fieldLimit + 1) + "\n"
        #expect(throws: ImportError(file: "t.csv", line: 2, problem: .fieldTooLong(limit: CSVScanner.fieldLimit))) {
            _ = try records(text, chunkSize: 4096)
        }
    }

    @Test func separatorIsChosenFromTheHeaderLine() {
        func detect(_ text: String) -> Character {
            Character(UnicodeScalar(Array(text.utf8).withUnsafeBufferPointer { CSVScanner.detectSeparator(in: $0) }))
        }
        #expect(detect("år;kategori;antal\n1,2,3,4,5") == ";")
        #expect(detect("year,category,count") == ",")
        #expect(detect("år\tområde\tinvånare") == "\t")
        #expect(detect("\"a;b\",c,d") == ",")
    }
}

@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("0", ParsedCount.value(0)), ("1 234", .value(1234)), ("1\u{00A0}234", .value(1234)),
        ("2147483647", .value(2_147_483_647)), ("2147483648", .tooLarge), ("1000000000000", .tooLarge),
        ("-1", .invalid), ("1.5", .invalid), ("12abc", .invalid), ("1  234", .invalid), ("", .empty), (" 1", .invalid), ("1\u{202F}234", .value(1234)),
    ])
    func counts(_ text: String, _ expected: ParsedCount) {
        #expect(CountParser.parse(text) == expected)
    }

    @Test(arguments: ["850101-1234", "19850101-1234", "198501011234", "Ring 850161+1234 (samordningsnummer)"])
    func personalIdentityNumbersAreRecognised(_ text: String) {
        #expect(PersonalIdentityNumber.appears(in: text))
    }

    @Test(arguments: ["Centrum", "2024-05-01", "1234567890", "851301-1234", "Tel 0670-12345", "123456789012345"])
    func ordinaryTextIsNot(_ text: String) {
        #expect(!PersonalIdentityNumber.appears(in: text))
    }

    @Test func vocabularyMatchesCodesLabelsAndSpellingsWithoutDiacritics() {
        #expect(Vocabulary.kategori.code(for: "NEGATIV SOCIAL KONTROLL") == "negativ-social-kontroll")
        #expect(Vocabulary.kategori.code(for: "avstandstagande fran samhallet") == "avstandstagande")
        #expect(Vocabulary.kategori.code(for: "Mötesverksamhet") == "motesverksamhet")
        #expect(Vocabulary.miljo.code(for: "Vit makt") == "hoger")
        #expect(Vocabulary.utbildning.code(for: "Nano-utbildning") == "grund")
        #expect(Vocabulary.samverkanstyp.code(for: "FÖRETAG") == "foretag")
        #expect(Vocabulary.kategori.code(for: "graffiti") == nil)
    }

    @Test func municipalityCodesKeepTheLeadingZero() {
        #expect(KommunCode("0180")?.rawValue == "0180")
        #expect(KommunCode("180")?.rawValue == "0180")
        #expect(KommunCode("23130") == nil)
        #expect(KommunCode("abcd") == nil)
    }
}

@Suite struct EncodingTests {
    @Test func windows1252HighBytesBecomeTheirCharacters() {
        var transcoder = Transcoder(encoding: .windows1252)
        var output: [UInt8] = []
        let input: [UInt8] = [0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0x80, 0x96]
        _ = input.withUnsafeBufferPointer { transcoder.transcode($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "åäöÅÄÖ€–")
    }

    @Test func utf16SurrogatePairsSplitAcrossChunks() {
        var transcoder = Transcoder(encoding: .utf16LittleEndian)
        var output: [UInt8] = []
        let bytes = Array("a😀ö".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        for byte in bytes { _ = [byte].withUnsafeBufferPointer { transcoder.transcode($0, into: &output) } }
        #expect(transcoder.isComplete)
        #expect(String(decoding: output, as: UTF8.self) == "a😀ö")
    }

    @Test func strictUTF8Validation() {
        func valid(_ bytes: [UInt8]) -> Bool {
            var validator = UTF8Validator()
            bytes.withUnsafeBufferPointer { validator.feed($0) }
            return validator.isComplete
        }
        #expect(valid(Array("Strömsund".utf8)))
        #expect(!valid([0x53, 0xF6, 0x72]))        // "Sör" in Windows-1252
        #expect(!valid([0xC0, 0x80]))              // overlong NUL
        #expect(!valid([0xED, 0xA0, 0x80]))        // surrogate
        #expect(!valid([0xE2, 0x82]))              // truncated
    }
}
