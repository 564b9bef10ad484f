import ArgumentParser
import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildReport
import LagesbildService
import LagesbildStore

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publicerar årets lägesbild i arbetsytan: nästa version av året, som HTML och PDF, sparad oförändrad för gott.",
        discussion: "Samma publicering som Publicera på sidan Rapporter: version 1 av året, sedan version 2 som ersätter den, och så vidare "
            + "(publika och interna räknas var för sig). Diarienumret, fastställandet och versionen står på försättsbladet. "
            + "PDF:en skrivs ut med Chromium; utan Chromium publiceras rapporten ändå och listan säger varför PDF saknas."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("År att publicera.", valueName: "år"), transform: OptionValue.year) var year: Int
    @Flag(name: .customLong("intern"), help: "Internt arbetsmaterial: exakta värden, bara för samordnaren.") var isInternal = false
    @Option(help: ArgumentHelp("Kommunens diarienummer, t.ex. \"KS 2026/123\".", valueName: "diarienummer")) var diarienummer: String = ""
    @Option(help: ArgumentHelp("Dagen då samverkansgruppen fastställde lägesbilden, ÅÅÅÅ-MM-DD.", valueName: "datum")) var faststalld: String = ""
    @Option(help: ArgumentHelp("Chromium att skriva ut PDF med (standard: chromium på PATH).", valueName: "sökväg")) var chromium: String?

    func run() async throws {
        try await reportingErrors {
            // A Chromium named but not there stops before anything is rendered or stored.
            if let chromium { _ = try PDFPrinter(explicit: chromium) }
            let store = try database.open()
            let sources = ReportSources(definitions: try DefinitionLoader.resolve(explicit: nil, databasePath: store.path),
                                        references: try DefinitionLoader.resolveReferences(explicit: nil, databasePath: store.path),
                                        producer: BuildInfo.producer)
            let request = PublicationRequest(year: year, internal: isInternal, diarienummer: diarienummer, faststalld: faststalld)
            let outcome = try await WorkspaceService(store: store).publish(request, sources: sources, pdf: PDFSettings(chromium: chromium),
                                                                           by: .commandLine)
            let report = outcome.report
            print("Publicerade lägesbilden \(report.year)\(report.internal ? " (internt arbetsmaterial)" : ""), version \(report.version)"
                + (outcome.supersedes.map { " (ersätter version \($0.version))" } ?? "") + ", rapport \(report.id), sha256 \(report.sha256).")
            if !outcome.openItems.isEmpty {
                print("Öppna punkter, utskrivna i rapporten under Källor och begränsningar:")
                for item in outcome.openItems { print("  \(item.title): \(item.detail)") }
            }
            if let sha256 = report.pdfSHA256 {
                print("PDF: sha256 \(sha256); hämta den med: lagesbild published get \(report.id) --pdf --output \(report.pdfFileName)")
            } else {
                print("PDF saknas: \(report.pdfMissing ?? "").")
            }
        }
    }
}

struct PublishedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "published",
        abstract: "De publicerade rapporterna: list, get.",
        subcommands: [List.self, Get.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Listar de publicerade rapporterna, nyast först.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let reports = try await WorkspaceService(store: try database.open()).publishedReports()
                if reports.isEmpty {
                    print("Inga rapporter är publicerade ännu. Publicera med: lagesbild publish --year ÅR")
                    return
                }
                var table = TextTable(headers: ["Id", "År", "Version", "Slag", "Publicerad", "Av", "Ersatt av", "PDF"], rightAligned: [0, 2])
                for report in reports {
                    let superseded = report.supersededByVersion.map { "version \($0), \(SwedishTime.minute(utc: report.supersededAt ?? "").prefix(10))" } ?? ""
                    table.add([String(report.id), String(report.year), String(report.version), report.internal ? "intern" : "publik",
                               SwedishTime.minute(utc: report.publishedAt), report.publishedBy, superseded,
                               report.pdfSHA256 != nil ? "ja" : "saknas: \(report.pdfMissing ?? "")"])
                }
                print(table.render())
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Skriver en publicerad rapports exakta bytes (HTML, eller PDF med --pdf) till en fil eller stdout.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Rapportens id (se lagesbild published list).", valueName: "id")) var id: Int64
        @Flag(help: "PDF:en i stället för HTML-rapporten.") var pdf = false
        @Option(help: ArgumentHelp("Filen att skriva (standard: stdout).", valueName: "fil")) var output: String?

        func run() async throws {
            try await reportingErrors {
                let service = WorkspaceService(store: try database.open())
                guard let report = try await service.publication(id, for: nil) else { throw PublishError.unknownReport(id) }
                let found: Data?
                if pdf {
                    found = try await service.publishedPDF(id, for: nil)?.pdf
                } else {
                    found = try await service.publishedReport(id, for: nil)
                }
                guard let bytes = found else { throw PublishError.unknownReport(id) }
                guard let output else {
                    FileHandle.standardOutput.write(bytes)
                    return
                }
                do {
                    try bytes.write(to: URL(fileURLWithPath: output))
                } catch {
                    throw CommandError(message: "\(output): filen kan inte skrivas (\(error.localizedDescription))")
                }
                print("Skrev \(output): lägesbilden \(report.year), version \(report.version), \(pdf ? "PDF" : "HTML"), sha256 \(pdf ? report.pdfSHA256 ?? "" : report.sha256).")
            }
        }
    }
}
