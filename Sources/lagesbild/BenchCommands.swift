import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Verktyg för prestandamätning (se scripts/bench.py).",
        subcommands: [GenerateCommand.self]
    )

    struct GenerateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Skriver en deterministisk signalfil i nationell skala: 290 kommuner, 2016–2025, månadsrader."
        )

        @Option(help: ArgumentHelp("Antal datarader (högst 53 452 800).", valueName: "antal")) var rows: Int = 1_000_000
        @Option(help: ArgumentHelp("Startvärde för slumptalen; samma värde ger samma fil.", valueName: "tal")) var seed: UInt64 = 42
        @Option(help: ArgumentHelp("Filen att skriva.", valueName: "fil")) var output: String

        func validate() throws {
            guard (1...53_452_800).contains(rows) else { throw ValidationError("--rows: ska vara mellan 1 och 53 452 800") }
        }

        func run() throws {
            try reportingErrors {
                try NationalData.write(rows: rows, seed: seed, to: output)
                print("Skrev \(output): \(SwedishFormat.integer(rows)) rader.")
            }
        }
    }
}
