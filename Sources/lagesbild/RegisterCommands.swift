import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildService
import LagesbildStore

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Hanterar registren över källor, förvaltningar, områden och samverkansaktörer: list, add, rename, merge.",
        discussion: "REGISTER är kallor, forvaltningar, omraden eller aktorer. En fil med ett namn som inte finns i sitt register "
            + "vägras vid import (lägg till namnet här eller importera med --nya-namn). Ett namnbyte eller en sammanslagning "
            + "står i importloggen och ångras med lagesbild undo ID.",
        subcommands: [List.self, Add.self, Rename.self, Merge.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Listar ett registers namn och hur många rader och konton som använder vart och ett.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Registret: \(NameRegister.listInSwedish).", valueName: "register"), transform: OptionValue.register)
        var register: NameRegister

        func run() throws {
            try reportingErrors {
                let entries = try database.open().registerEntries(register)
                if entries.isEmpty {
                    print("\(register.registerInSwedish.capitalizedFirst) är tomt. Lägg till namn med: lagesbild register add \(register.rawValue) NAMN...")
                    return
                }
                var table = TextTable(headers: ["Namn", "Rader", "Konton"], rightAligned: [1, 2])
                for entry in entries { table.add([entry.name, SwedishFormat.integer(entry.rows), String(entry.accounts)]) }
                print(table.render())
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Lägger till namn i ett register (alla eller inget).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Registret: \(NameRegister.listInSwedish).", valueName: "register"), transform: OptionValue.register)
        var register: NameRegister
        @Argument(help: ArgumentHelp("Namnen att lägga till.", valueName: "namn")) var names: [String]

        func validate() throws {
            if names.isEmpty { throw ValidationError("ange minst ett namn att lägga till") }
        }

        func run() async throws {
            try await reportingErrors {
                let added = try await WorkspaceService(store: try database.open()).addNames(names, to: register, by: .commandLine)
                print("Lade till \(added.map { "\"\($0)\"" }.joined(separator: ", ")) i \(register.registerInSwedish).")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename", abstract: "Byter namn på ett namn i ett register; lagrade rader och konton följer med.",
            discussion: "De gamla raderna sparas i historiken. Ångra med lagesbild undo ID (id:t skrivs ut).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Registret: \(NameRegister.listInSwedish).", valueName: "register"), transform: OptionValue.register)
        var register: NameRegister
        @Argument(help: ArgumentHelp("Det registrerade namnet.", valueName: "gammalt")) var old: String
        @Argument(help: ArgumentHelp("Det nya namnet.", valueName: "nytt")) var new: String

        func run() async throws {
            try await reportingErrors {
                let change = try await WorkspaceService(store: try database.open()).rename(register, from: old, to: new, by: .commandLine)
                print(change.summary)
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge", abstract: "Slår ihop namn i ett register till ett annat registrerat namn; lagrade rader och konton följer med.",
            discussion: "Skulle två rader få samma nyckel (t.ex. samma månad, kategori, miljö och område under båda namnen) görs "
                + "ingenting och raderna nämns: inget summeras. Ångra med lagesbild undo ID (id:t skrivs ut).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Registret: \(NameRegister.listInSwedish).", valueName: "register"), transform: OptionValue.register)
        var register: NameRegister
        @Argument(help: ArgumentHelp("Namnen som slås ihop, sist det namn de blir.", valueName: "namn")) var names: [String]

        func validate() throws {
            if names.count < 2 { throw ValidationError("ange minst ett namn att slå ihop och sist det namn de ska bli") }
        }

        func run() async throws {
            try await reportingErrors {
                let change = try await WorkspaceService(store: try database.open())
                    .merge(register, from: Array(names.dropLast()), into: names.last!, by: .commandLine)
                print(change.summary)
            }
        }
    }
}
