import LagesbildModel

/// A QR code (ISO/IEC 18004) of a short text, drawn on the server as inline SVG: the enrolment page's
/// `otpauth://` address for an authenticator app.
///
/// Written here by hand because no QR library is among the packages the project builds from (the local package
/// mirror has none, and the page may use no outside service or script), and because what the page needs is small:
/// byte mode, error correction level M, versions 1–10 (up to 213 bytes; the address is about 100). It follows the
/// standard step by step — data bits, Reed–Solomon codewords over GF(256), block interleaving, module placement,
/// the eight masks scored by the standard's four penalty rules, format and version information — and is tested
/// against the standard's worked examples and an independent decoder (zbar).
struct QRCode: Sendable {
    /// The symbol's version (1–10): its size is `17 + 4 × version` modules.
    let version: Int
    /// The mask pattern chosen (0–7).
    let mask: Int
    /// `modules[y][x]`: true is dark.
    let modules: [[Bool]]

    var size: Int { modules.count }

    enum EncodingError: Error, Equatable {
        /// The text needs more than version 10 holds at level M.
        case tooLong(bytes: Int)
    }

    /// Level M's blocks per version (index 0 is version 1): codewords of error correction per block, and the data
    /// codewords of each block (ISO/IEC 18004:2015 table 9).
    static let blocks: [(ecPerBlock: Int, dataPerBlock: [Int])] = [
        (10, [16]), (16, [28]), (26, [44]), (18, [32, 32]), (24, [43, 43]),
        (16, [27, 27, 27, 27]), (18, [31, 31, 31, 31]), (22, [38, 38, 39, 39]), (22, [36, 36, 36, 37, 37]),
        (26, [43, 43, 43, 43, 44]),
    ]

    /// Centres of the alignment patterns per version (annex E).
    static let alignment: [[Int]] = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]]

    /// Data codewords of a version at level M.
    static func dataCapacity(version: Int) -> Int { blocks[version - 1].dataPerBlock.reduce(0, +) }

    /// The smallest version holding `bytes` in byte mode (4 bits of mode, 8 or 16 of count).
    static func smallestVersion(for bytes: Int) -> Int? {
        (1...10).first { version in 4 + (version < 10 ? 8 : 16) + 8 * bytes <= 8 * dataCapacity(version: version) }
    }

    /// Encodes `text` (as UTF-8) in the smallest version that holds it, with the mask of least penalty, or with
    /// `mask` when a test asks for one.
    init(_ text: String, mask forcedMask: Int? = nil) throws {
        let bytes = Array(text.utf8)
        guard let version = Self.smallestVersion(for: bytes.count) else { throw EncodingError.tooLong(bytes: bytes.count) }
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version), version: version)
        var symbol = Symbol(version: version)
        symbol.drawFunctionPatterns()
        symbol.place(codewords)
        var best: (mask: Int, penalty: Int, modules: [[Bool]])?
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = symbol
            candidate.apply(mask: mask)
            candidate.drawFormat(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (mask, penalty, candidate.modules) }
        }
        self.version = version
        self.mask = best!.mask
        modules = best!.modules
    }

    // MARK: - Codewords

    /// Mode indicator, character count, the bytes, terminator and padding: the version's data codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = 8 * dataCapacity(version: version)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: [UInt8] = [0xEC, 0x11]
        while codewords.count < capacity / 8 {
            codewords.append(pad[0])
            pad.reverse()
        }
        return codewords
    }

    /// The data split into the version's blocks, each followed by its error correction, interleaved codeword by
    /// codeword as the symbol holds them.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let layout = blocks[version - 1]
        var dataBlocks: [[UInt8]] = [], ecBlocks: [[UInt8]] = []
        var start = 0
        for count in layout.dataPerBlock {
            let block = Array(data[start..<start + count])
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(of: block, ecCount: layout.ecPerBlock))
            start += count
        }
        var result: [UInt8] = []
        for index in 0..<(layout.dataPerBlock.max() ?? 0) {
            for block in dataBlocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<layout.ecPerBlock {
            for block in ecBlocks { result.append(block[index]) }
        }
        return result
    }

    // MARK: - SVG

    /// The symbol as an SVG image with a quiet zone of 4 modules, one path for the dark modules (crisp at any
    /// scale), labelled for assistive technology with `label`.
    func svg(label: String, scale: Int = 5) -> String {
        let border = 4, width = (size + 2 * border) * scale
        var path = ""
        for (y, row) in modules.enumerated() {
            var x = 0
            while x < size {
                guard row[x] else { x += 1; continue }
                let start = x
                while x < size && row[x] { x += 1 }
                path += "M\(start + border),\(y + border)h\(x - start)v1h-\(x - start)z"
            }
        }
        let side = size + 2 * border
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(width)" viewBox="0 0 \(side) \(side)" \
            role="img" aria-label="\(HTMLText.escape(label))" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}

/// Reed–Solomon error correction over GF(256) with the QR code's field polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D)
/// and generator ∏ (x − αⁱ), i = 0…n−1.
enum ReedSolomon {
    /// αⁱ and log tables of the field.
    static let (exp, log): ([UInt8], [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512), log = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exp[power] = UInt8(value)
            log[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for power in 255..<512 { exp[power] = exp[power - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
    }

    /// The generator polynomial of degree `degree`, highest coefficient (1) first.
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            for (index, coefficient) in polynomial.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, exp[power])
            }
            polynomial = next
        }
        return polynomial
    }

    /// The `ecCount` error correction codewords of a block: the remainder of data(x) · x^ecCount divided by the
    /// generator.
    static func remainder(of data: [UInt8], ecCount: Int) -> [UInt8] {
        let generator = generator(degree: ecCount)
        var remainder = [UInt8](repeating: 0, count: ecCount)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<ecCount { remainder[index] ^= multiply(generator[index + 1], factor) }
        }
        return remainder
    }
}

/// A symbol being drawn: its modules and which of them are function patterns (never masked, never data).
private struct Symbol {
    let version: Int
    var modules: [[Bool]]
    var isFunction: [[Bool]]
    var size: Int { modules.count }

    init(version: Int) {
        self.version = version
        let size = 17 + 4 * version
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
    }

    mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    mutating func drawFunctionPatterns() {
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            // The finder pattern with its light separator.
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(x + dx) && (0..<size).contains(y + dy) {
                    let distance = max(abs(dx), abs(dy))
                    set(x + dx, y + dy, distance != 2 && distance != 4)
                }
            }
        }
        let centres = QRCode.alignment[version - 1]
        for (i, cx) in centres.enumerated() {
            for (j, cy) in centres.enumerated() {
                // Not over a finder pattern.
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Reserve the format areas (drawn for real once the mask is chosen) and draw the version information.
        drawFormat(mask: 0)
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for index in 0..<18 {
                let dark = (bits >> index) & 1 == 1
                let a = size - 11 + index % 3, b = index / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    /// The 15 bits of level M and the mask (BCH(15,5), masked with 101010000010010), twice, and the dark module.
    mutating func drawFormat(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9..<15 { set(14 - index, 8, bit(index)) }
        for index in 0..<8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)
    }

    /// The codewords' bits, most significant first, in the standard's zigzag: two columns at a time from the right,
    /// up and down in turn, around the function patterns (the vertical timing column is skipped). Remainder bits
    /// stay light.
    mutating func place(_ codewords: [UInt8]) {
        var bit = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y][x] && bit < codewords.count * 8 {
                    modules[y][x] = (codewords[bit >> 3] >> (7 - (bit & 7))) & 1 == 1
                    bit += 1
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let flip = switch mask {
                case 0: (y + x) % 2 == 0
                case 1: y % 2 == 0
                case 2: x % 3 == 0
                case 3: (y + x) % 3 == 0
                case 4: (y / 2 + x / 3) % 2 == 0
                case 5: (y * x) % 2 + (y * x) % 3 == 0
                case 6: ((y * x) % 2 + (y * x) % 3) % 2 == 0
                default: ((y + x) % 2 + (y * x) % 3) % 2 == 0
                }
                if flip { modules[y][x].toggle() }
            }
        }
    }

    /// The standard's penalty score (section 7.8.3): runs of five or more of a colour in a line, 2×2 blocks of one
    /// colour, finder-like 1:1:3:1:1 patterns with four light modules beside them, and dark modules far from half.
    func penalty() -> Int {
        var score = 0
        let lines = modules + (0..<size).map { x in modules.map { $0[x] } }
        let finderLike: [[Bool]] = [[true, false, true, true, true, false, true, false, false, false, false],
                                    [false, false, false, false, true, false, true, true, true, false, true]]
        for line in lines {
            var run = 1
            for index in 1..<line.count {
                if line[index] == line[index - 1] {
                    run += 1
                } else {
                    if run >= 5 { score += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { score += run - 2 }
            for start in 0...(line.count - 11) where finderLike.contains(where: { $0[...] == line[start..<start + 11] }) { score += 40 }
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = modules[y][x]
                if modules[y][x + 1] == colour && modules[y + 1][x] == colour && modules[y + 1][x + 1] == colour { score += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        score += 10 * (abs(dark * 100 / (size * size) - 50) / 5)
        return score
    }
}
