import Foundation
import GRDB
import Testing
@testable import LagesbildIngest
@testable import LagesbildModel
@testable import LagesbildStore

/// Removing one row in the workspace keeps it: the row goes to history under an import-log entry of its own, undoing
/// that entry brings it back, and the import that wrote it can no longer be undone past the removal.
@Suite struct RowDeletionTests {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-delete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store.create(path: folder.appendingPathComponent("lagesbild.sqlite").path, kommun: KommunCode("2313")!, name: "Strömsunds kommun")
    }

    func importSignals(_ text: String) throws -> Int64 {
        let path = folder.appendingPathComponent("signaler-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try #require(Importer(store: store).importFiles([path], addingNames: true).files.first?.importID)
    }

    func key(month: Int, category: String, source: String) -> [ColumnKey: String] {
        [.kommun: "2313", .year: "2024", .month: String(month), .category: category, .environment: "", .area: "", .source: source]
    }

    @Test func aRemovedRowIsKeptAndComesBackWithUndo() throws {
        let first = try importSignals("år;månad;kategori;källa;antal\n2024;3;klotter;Skola;4\n2024;3;flygblad;Skola;2\n2024;4;flygblad;Skola;1\n")
        let march = try store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2024, month: 3)
        #expect(march.map { "\($0.text(.category)) \($0.integer(.count) ?? -1)" } == ["flygblad 2", "klotter 4"])
        #expect(march.allSatisfy { $0.importID == first })

        let removal = try store.deleteRow(kind: .signaler, key: key(month: 3, category: "klotter", source: "Skola"), label: "formulär: borttagning")
        #expect(try store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2024, month: 3).map { $0.text(.category) } == ["flygblad"])
        let entry = try #require(store.importLog().last)
        #expect(entry.id == removal && entry.rowsDeleted == 1 && entry.rowsInserted == 0 && entry.remark == "borttagning")
        #expect(try store.check().isSound)

        // The first import cannot be undone past the removal, which changed one of its rows.
        #expect(throws: UndoError.blocked(first, by: [(id: removal, file: "formulär: borttagning")])) { try store.undo(importID: first) }

        // Undoing the removal brings the row back with its values and its import.
        let undone = try store.undo(importID: removal)
        #expect(undone.removed == 0 && undone.restored == 1)
        let back = try store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2024, month: 3)
        #expect(back.map { "\($0.text(.category)) \($0.integer(.count) ?? -1) \($0.importID)" } == ["flygblad 2 \(first)", "klotter 4 \(first)"])
        #expect(try store.check().isSound)
        // Now the first import can be undone: all three rows go.
        let all = try store.undo(importID: first)
        #expect(all.removed == 3 && all.restored == 0)
    }

    @Test func aMissingRowOrAnIncompleteKeyChangesNothing() throws {
        _ = try importSignals("år;månad;kategori;källa;antal\n2024;3;klotter;Skola;4\n")
        let before = try store.importLog().count
        #expect(throws: RowDeletionError.notFound) {
            try store.deleteRow(kind: .signaler, key: key(month: 3, category: "klotter", source: "Fritid"), label: "x")
        }
        var partial = key(month: 3, category: "klotter", source: "Skola")
        partial[.area] = nil
        #expect(throws: RowDeletionError.incompleteKey(.area)) { try store.deleteRow(kind: .signaler, key: partial, label: "x") }
        #expect(try store.importLog().count == before)
        #expect(try store.storedRows(kind: .signaler, kommun: KommunCode("2313")!, year: 2024).count == 1)
    }
}
