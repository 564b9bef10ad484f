import Foundation
import LagesbildModel
import LagesbildStore

/// The names of the streams in an OLE compound file (Microsoft's "Compound File Binary" format, [MS-CFB]):
/// the container of old .xls workbooks, and of .xlsx workbooks encrypted with a password. Only the directory
/// is read, to tell the two apart and give the right advice; no library reads just that, and the walk is
/// short: the header, the FAT sectors it lists, and the directory's sector chain.
enum CompoundFile {
    static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// The directory entries' names, or nil when the file is not a readable compound file.
    static func streamNames(path: String) -> [String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 512), header.count == 512, Array(header.prefix(8)) == magic else { return nil }
        let bytes = [UInt8](header)
        func uint16(_ data: [UInt8], _ offset: Int) -> Int { Int(data[offset]) | Int(data[offset + 1]) << 8 }
        func uint32(_ data: [UInt8], _ offset: Int) -> UInt32 {
            UInt32(data[offset]) | UInt32(data[offset + 1]) << 8 | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24
        }
        let shift = uint16(bytes, 0x1E)
        guard shift == 9 || shift == 12 else { return nil }
        let sectorSize = 1 << shift
        func sector(_ number: UInt32) -> [UInt8]? {
            // Sector n starts after the header, which takes one sector.
            guard number < 0xFFFF_FFFA else { return nil }
            let offset = UInt64(number + 1) * UInt64(sectorSize)
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: sectorSize), data.count == sectorSize else { return nil }
            return [UInt8](data)
        }
        // The FAT: the sectors listed in the header's DIFAT (109 entries: files up to ~7 MB with 512-byte
        // sectors; a directory beyond them is simply not followed further).
        var fat: [UInt32] = []
        for index in 0..<109 {
            let number = uint32(bytes, 0x4C + index * 4)
            guard number < 0xFFFF_FFFA, let data = sector(number) else { continue }
            for entry in 0..<(sectorSize / 4) { fat.append(uint32(data, entry * 4)) }
        }
        var names: [String] = []
        var next = uint32(bytes, 0x30)
        var visited = 0
        while next < 0xFFFF_FFFA, visited < 4096, let data = sector(next) {
            visited += 1
            for entry in stride(from: 0, to: sectorSize, by: 128) {
                let length = min(uint16(data, entry + 64), 64)
                guard length >= 2 else { continue }
                let units = stride(from: 0, to: length - 2, by: 2).map { UInt16(data[entry + $0]) | UInt16(data[entry + $0 + 1]) << 8 }
                names.append(String(decoding: units, as: UTF16.self))
            }
            next = Int(next) < fat.count ? fat[Int(next)] : 0xFFFF_FFFE
        }
        return names
    }

    /// What a compound file holds, as a problem for the import.
    static func problem(path: String) -> ImportProblem {
        let names = streamNames(path: path) ?? []
        if names.contains("EncryptedPackage") || names.contains("EncryptionInfo") { return .encryptedWorkbook }
        if names.contains("Workbook") || names.contains("Book") { return .oldExcelWorkbook }
        return .otherBinaryOfficeFile
    }
}
