import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildStore
import LagesbildIngest
import LagesbildIndicators
import LagesbildReport

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mall",
        abstract: "Skriver en Excel-arbetsbok att fylla i: ett blad per filtyp med rullgardinslistor och kontroller.",
        discussion: "Fyll i bladen och läs in arbetsboken som den är med lagesbild import. Finns databasen läggs dess "
            + "områden och förvaltningar in som förslag."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Arbetsboken som skrivs.", valueName: "fil.xlsx"))
    var output = "lagesbild-mall.xlsx"

    @Option(help: ArgumentHelp("Året som ska fyllas i (årskolumnen godtar då bara det året).", valueName: "år"), transform: OptionValue.year)
    var year: Int?

    func run() throws {
        try reportingErrors {
            let store = FileManager.default.fileExists(atPath: database.path) ? try database.open() : nil
            try Template.write(to: URL(fileURLWithPath: output), year: year, store: store)
            print("Skrev \(output).")
            print("Fyll i bladen och läs in arbetsboken med: lagesbild import \(output)")
        }
    }
}
