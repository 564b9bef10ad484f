import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

/// `lagesbild demo`: fictitious data through the normal import path into a fresh database, and its report.
public enum Demo {
    public struct Result: Sendable {
        public let databasePath: String
        public let files: [String]
        public let reportPath: String
        public let import_: ImportReport
    }

    public static let reportYear = 2025

    public static func run(in folder: URL, date: String? = nil) throws -> Result {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let databasePath = folder.appendingPathComponent("lagesbild.sqlite").path
        if FileManager.default.fileExists(atPath: databasePath) {
            // Only ever replace a demo database, never a real one.
            guard try Store.open(path: databasePath).isDemo() else {
                throw CommandError(message: "\(databasePath) finns redan och innehåller riktiga data; välj en annan mapp med --dir")
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) }
        }
        let files = try DemoData.write(to: folder)
        let store = try Store.create(path: databasePath, kommun: DemoData.kommun, name: DemoData.kommunName)
        try store.markAsDemo()
        let imported = try Importer(store: store).importFiles(files, addingNames: true)
        // The group's assessment where `report` looks for it (Reports/<år>/bedomning.md beside the database).
        let assessment = folder.appendingPathComponent("Reports/\(reportYear)/bedomning.md")
        try FileManager.default.createDirectory(at: assessment.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(DemoData.assessment.utf8).write(to: assessment)
        var options = ReportOptions(year: reportYear)
        options.date = date
        options.producer = BuildInfo.producer
        let html = try ReportBuilder(store: store, definitions: DefinitionLoader.builtIn(),
                                     references: DefinitionLoader.resolveReferences(explicit: nil, databasePath: databasePath)).render(options)
        let reportURL = folder.appendingPathComponent("lagesbild-\(DemoData.kommun)-\(reportYear).html")
        try Data(html.utf8).write(to: reportURL)
        return Result(databasePath: databasePath, files: files, reportPath: reportURL.path, import_: imported)
    }
}
