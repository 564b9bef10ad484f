import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

/// A deterministic national-scale signals file for benchmarks: the 290 real municipality codes,
/// 2016–2025, monthly rows with realistic small counts and Swedish names, in natural-key order.
public enum NationalData {
    static let areas = ["Centrum", "Norra", "Södra", "Östra", "Västra", "Ängen", "Åsen", "Örby"]
    static let sources = ["Skola", "Socialtjänst", "Fritidsgård", "Polisen", "Bibliotek", "Räddningstjänst"]
    static let categories = ["Klotter", "Flygblad", "Spridande av symboler", "Negativ social kontroll",
                             "Avståndstagande från samhället", "Mötesverksamhet", "Uttalanden", "Övrigt"]
    static let environments = ["Högerextrem", "Vänsterextrem", "Islamistisk", "Övrig"]
    public static let years = 2016...2025
    public static let header = "kommun;år;månad;kategori;miljö;område;källa;antal;orosanmälningar;polisanmälningar"

    /// Writes `rows` data rows (plus the header) to a file, UTF-8, `;`-separated, LF.
    public static func write(rows: Int, seed: UInt64, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandError(message: "\(path): filen kan inte skapas")
        }
        defer { try? handle.close() }
        var buffer = Data()
        buffer.reserveCapacity(1 << 20)
        buffer.append(contentsOf: Array((header + "\n").utf8))
        try generate(rows: rows, seed: seed) { line in
            buffer.append(contentsOf: line)
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
    }

    /// Calls `emit` with each data line (UTF-8 bytes, ending in LF).
    public static func generate(rows: Int, seed: UInt64, emit: ([UInt8]) throws -> Void) throws {
        var random = SeededGenerator(seed: seed)
        let kommuner = RegionRegister.kommuner.map(\.code)
        let cells = kommuner.count * years.count * 12
        // Distinct (kategori, miljö, område, källa) combinations per municipality and month.
        let combinations = categories.count * environments.count * areas.count * sources.count
        let encoded = (
            categories: categories.map { Array($0.utf8) }, environments: environments.map { Array($0.utf8) },
            areas: areas.map { Array($0.utf8) }, sources: sources.map { Array($0.utf8) })
        var produced = 0
        var line: [UInt8] = []
        line.reserveCapacity(128)
        for (cellIndex, (kommun, year, month)) in product(kommuner, Array(years), Array(1...12)).enumerated() {
            // Spread the rows evenly over all municipality-months.
            let target = (rows * (cellIndex + 1)) / cells - (rows * cellIndex) / cells
            guard target > 0 else { continue }
            precondition(target <= combinations, "högst \(combinations * cells) rader")
            let offset = Int(random.next() % UInt64(combinations))
            let step = 7919 // prime, and coprime with the number of combinations (1 536)
            for index in 0..<target {
                var combination = (offset + index * step) % combinations
                let source = combination % sources.count; combination /= sources.count
                let area = combination % areas.count; combination /= areas.count
                let environment = combination % environments.count; combination /= environments.count
                let category = combination
                let count = 1 + random.poisson(2.0)
                let concern = Int(random.next() % UInt64(count + 1)) / 2
                let police = Int(random.next() % UInt64(count + 1)) / 3
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: Array(kommun.utf8)); line.append(59)
                line.append(contentsOf: Array(String(year).utf8)); line.append(59)
                line.append(contentsOf: Array(String(month).utf8)); line.append(59)
                line.append(contentsOf: encoded.categories[category]); line.append(59)
                line.append(contentsOf: encoded.environments[environment]); line.append(59)
                line.append(contentsOf: encoded.areas[area]); line.append(59)
                line.append(contentsOf: encoded.sources[source]); line.append(59)
                line.append(contentsOf: Array(String(count).utf8)); line.append(59)
                line.append(contentsOf: Array(String(concern).utf8)); line.append(59)
                line.append(contentsOf: Array(String(police).utf8)); line.append(10)
                try emit(line)
                produced += 1
            }
        }
        precondition(produced == rows)
    }

    static func product(_ a: [String], _ b: [Int], _ c: [Int]) -> [(String, Int, Int)] {
        a.flatMap { x in b.flatMap { y in c.map { z in (x, y, z) } } }
    }
}
