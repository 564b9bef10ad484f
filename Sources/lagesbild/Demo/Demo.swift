import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport
import LagesbildService

/// `lagesbild demo`: fictitious data through the normal import path into a fresh database, and its report.
public enum Demo {
    public struct Result: Sendable {
        public let databasePath: String
        public let files: [String]
        public let reportPath: String
        public let import_: ImportReport
    }

    public static let reportYear = 2025

    public static func run(in folder: URL, date: String? = nil) async throws -> Result {
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
        // The group's four texts, written through the workspace's service as the group would in the browser.
        let sources = ReportSources(definitions: try DefinitionLoader.builtIn(),
                                    references: try DefinitionLoader.resolveReferences(explicit: nil, databasePath: databasePath),
                                    producer: BuildInfo.producer)
        let service = WorkspaceService(store: store)
        for (section, text) in DemoData.texts {
            _ = try await service.saveText(year: reportYear, section: section, text: text, basedOn: 0, sources: sources,
                                           by: Actor(name: "demo", address: "lokal"))
        }
        var options = ReportOptions(year: reportYear)
        options.date = date
        options.producer = BuildInfo.producer
        let html = try ReportBuilder(store: store, definitions: sources.definitions, references: sources.references).render(options)
        let reportURL = folder.appendingPathComponent("lagesbild-\(DemoData.kommun)-\(reportYear).html")
        try Data(html.utf8).write(to: reportURL)
        return Result(databasePath: databasePath, files: files, reportPath: reportURL.path, import_: imported)
    }
}
