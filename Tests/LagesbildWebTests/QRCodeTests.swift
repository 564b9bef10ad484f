import Foundation
import Testing
@testable import LagesbildWeb

/// The hand-written QR encoder: the standard's worked examples for its parts, and every version and mask read back by
/// an independent decoder (zbar, from the SVG rendered to PNG by librsvg).
@Suite struct QRCodeTests {
    static func hex(_ text: String) -> [UInt8] { text.split(separator: " ").map { UInt8($0, radix: 16)! } }

    /// ISO/IEC 18004 annex I ("01234567", 1-M) and Thonky's QR tutorial ("HELLO WORLD", 1-M): data codewords and the
    /// ten error correction codewords the standard gives for them.
    @Test(arguments: [
        ("10 20 0C 56 61 80 EC 11 EC 11 EC 11 EC 11 EC 11", "A5 24 D4 C1 ED 36 C7 87 2C 55"),
        ("20 5B 0B 78 D1 72 DC 4D 43 40 EC 11 EC 11 EC 11", "C4 23 27 77 EB D7 E7 E2 5D 17"),
    ])
    func reedSolomonCodewordsOfTheStandardsExamples(data: String, ec: String) {
        #expect(ReedSolomon.remainder(of: Self.hex(data), ecCount: 10) == Self.hex(ec))
    }

    @Test func theFieldAndTheGenerator() {
        // α⁸ = α⁴ + α³ + α² + 1 (0x1D); the generator of degree 7 as the standard's annex A lists it (exponents of α).
        #expect(ReedSolomon.exp[8] == 0x1D && ReedSolomon.exp[255] == 1)
        #expect(ReedSolomon.generator(degree: 7).map { ReedSolomon.log[Int($0)] } == [0, 87, 229, 146, 149, 238, 102, 21])
    }

    @Test func byteModeDataCodewords() {
        // Mode 0100, count 00000001, 'A' 01000001, terminator, then the pad bytes 0xEC 0x11 to 16 codewords.
        #expect(QRCode.dataCodewords(Array("A".utf8), version: 1) == Self.hex("40 14 10 EC 11 EC 11 EC 11 EC 11 EC 11 EC 11 EC"))
    }

    /// Format information of level M with each mask, as the standard's table C.1 lists it, read from the symbol's second
    /// copy.
    @Test func formatInformationOfEachMask() throws {
        let expected = ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                        "100010111111001", "100000011001110", "100111110010111", "100101010100000"]
        for mask in 0..<8 {
            let code = try QRCode("lagesbild", mask: mask)
            let size = code.size
            var bits = 0
            for index in 0..<8 where code.modules[8][size - 1 - index] { bits |= 1 << index }
            for index in 8..<15 where code.modules[size - 15 + index][8] { bits |= 1 << index }
            #expect(bits == Int(expected[mask], radix: 2), "mask \(mask)")
            #expect(code.modules[size - 8][8], "the dark module")
        }
    }

    @Test func versionsByLengthAndVersionInformation() throws {
        // Level M's capacity in bytes for versions 1–10.
        let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        for (index, capacity) in capacities.enumerated() {
            #expect(try QRCode(String(repeating: "a", count: capacity)).version == index + 1)
            if index < 9 { #expect(try QRCode(String(repeating: "a", count: capacity + 1)).version == index + 2) }
        }
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 214)) { try QRCode(String(repeating: "a", count: 214)) }
        // Version 7's 18 bits (annex D: 000111110010010100), above the lower left finder pattern.
        let seven = try QRCode(String(repeating: "a", count: 110))
        #expect(seven.version == 7 && seven.size == 45)
        var bits = 0
        for index in 0..<18 where seven.modules[seven.size - 11 + index % 3][index / 3] { bits |= 1 << index }
        #expect(bits == 0b000111110010010100)
    }

    static let tools: (rsvg: String, zbar: String)? = {
        func find(_ name: String) -> String? {
            ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let rsvg = find("rsvg-convert"), let zbar = find("zbarimg") else { return nil }
        return (rsvg, zbar)
    }()

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Every version 1–10 with the mask the penalty rules choose, every mask forced once, and the enrolment's address
    /// (also with a name outside ASCII), decoded by zbar. CI installs librsvg2-bin and zbar-tools.
    @Test(.enabled(if: tools != nil || ProcessInfo.processInfo.environment["CI"] != nil, "needs rsvg-convert and zbarimg"))
    func zbarReadsWhatIsDrawn() throws {
        let tools = try #require(Self.tools, "rsvg-convert and zbarimg are needed (apt-get install librsvg2-bin zbar-tools); .ci/run installs them")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let address = "otpauth://totp/lagesbild:samordnare?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=lagesbild"
        var cases: [(String, Int?)] = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213].enumerated().map { index, length in
            (String((0..<length).map { Character(UnicodeScalar(UInt8(33 + (index * 7 + $0 * 13) % 94))) }), nil)
        }
        cases += (0..<8).map { (address, $0) }
        cases.append((address, nil))
        cases.append(("otpauth://totp/lagesbild:br%C3%A5-ordf%C3%B6rande?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=lagesbild", nil))
        var masks = Set<Int>()
        for (index, (text, mask)) in cases.enumerated() {
            let code = try QRCode(text, mask: mask)
            masks.insert(code.mask)
            let svg = folder.appendingPathComponent("\(index).svg"), png = folder.appendingPathComponent("\(index).png")
            try Data(code.svg(label: "test", scale: 4).utf8).write(to: svg)
            #expect(try Self.run(tools.rsvg, ["-o", png.path, svg.path]).status == 0)
            let decoded = try Self.run(tools.zbar, ["--raw", "-q", png.path])
            #expect(decoded.status == 0 && decoded.output == text + "\n", "version \(code.version), mask \(code.mask): \(decoded.output)")
        }
        #expect(masks == Set(0..<8))
    }
}
