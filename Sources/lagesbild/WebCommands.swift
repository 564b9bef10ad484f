import ArgumentParser
import Foundation
import LagesbildModel
import LagesbildOIDC
import LagesbildReport
import LagesbildService
import LagesbildStore
import LagesbildWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Startar samverkansgruppens arbetsyta i webbläsaren (inloggning, översikt, mätpunkter, rapporter).",
        discussion: "Skapa först en samordnare med lagesbild user add. Kör bakom en omvänd proxy med TLS och ange då "
            + "--secure-cookies (se README). Avslutas med Ctrl-C eller SIGTERM; pågående förfrågningar hinner klart."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Adress och port att lyssna på.", valueName: "värd:port"), transform: OptionValue.listen)
    var listen: (host: String, port: Int) = ("127.0.0.1", 8080)
    @Flag(name: .customLong("secure-cookies"), help: "Märk sessionskakan Secure (när servern nås över HTTPS via en proxy).")
    var secureCookies = false
    @Option(name: .customLong("max-upload"), help: ArgumentHelp("Största uppladdning, t.ex. 50MB.", valueName: "storlek"),
            transform: OptionValue.size)
    var maxUpload: Int = 50_000_000
    @Option(help: ArgumentHelp("Chromium att skriva ut varje publicerings PDF med (standard: chromium på PATH).", valueName: "sökväg"))
    var chromium: String?
    @Option(help: ArgumentHelp("Inloggning med kommunens identitetstjänst (OpenID Connect): inställningsfilen (YAML, se README).",
                               valueName: "fil"))
    var oidc: String?

    func run() async throws {
        do {
            // A Chromium named but not there stops the start, not a publication later.
            if let chromium { _ = try PDFPrinter(explicit: chromium) }
            var configuration = WorkspaceConfiguration(databasePath: database.path, host: listen.host, port: listen.port,
                                                       secureCookies: secureCookies, maxUpload: maxUpload, producer: BuildInfo.producer,
                                                       pdf: PDFSettings(chromium: chromium))
            if let oidc {
                // The file and the registers' names are checked now: a wrong configuration stops the start.
                let service = WorkspaceService(store: try database.open())
                let settings = try await service.withRegisteredGrants(try OIDCConfiguration.load(path: oidc))
                let provider = IdentityProvider(configuration: settings)
                configuration.identityProvider = provider
                // An unreachable provider does not stop the start (local accounts, where on, still sign in): it is said.
                do {
                    _ = try await provider.providerMetadata()
                } catch {
                    Terminal.error("kommunens identitetstjänst \(settings.issuer) svarar inte just nu; inloggning med kommunens konto "
                        + "fungerar först när den svarar" + (settings.localAccounts ? " (lokala konton fungerar)" : ""))
                }
            }
            try await Workspace.serve(configuration)
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.error(userMessage(for: error))
            throw ExitCode.failure
        }
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Hanterar arbetsytans konton: add, list, passwd, disable, totp.",
        subcommands: [Add.self, List.self, Passwd.self, Disable.self, TOTP.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Skapar ett konto. Lösenordet (minst 12 tecken) läses två gånger från terminalen, eller en gång från stdin.",
            discussion: "Ge kontot namnet på en funktion (\"skola-norr\", \"samordnare\"), inte en persons namn."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Användarnamnet.", valueName: "namn")) var name: String
        @Option(help: ArgumentHelp("Rollen: samordnare, rapportor (en verksamhet som rapporterar), lasare (publicerade rapporter) eller medlem (i samverkansgruppen).",
                                   valueName: "roll"), transform: OptionValue.role)
        var role: WebRole
        @Option(name: .customLong("kalla"), help: ArgumentHelp("En källa rapportören rapporterar signaler för (kan anges flera gånger).", valueName: "källa"))
        var kallor: [String] = []
        @Option(name: .customLong("forvaltning"), help: ArgumentHelp("En förvaltning rapportören rapporterar utbildning för (kan anges flera gånger).", valueName: "förvaltning"))
        var forvaltningar: [String] = []

        @Option(name: .customLong("oidc-issuer"), help: ArgumentHelp("För ett konto som loggar in med kommunens identitetstjänst: dess utfärdare (issuer i inställningsfilen).",
                                                                     valueName: "adress"))
        var oidcIssuer: String?
        @Option(name: .customLong("oidc-subject"), help: ArgumentHelp("Personens identitet hos identitetstjänsten (värdet av subject_claim, t.ex. Entra ID:s oid). Kontot får inget lösenord; rollen följer grupperna vid varje inloggning.",
                                                                      valueName: "id"))
        var oidcSubject: String?

        func run() async throws {
            try await reportingErrors {
                let service = WorkspaceService(store: try database.open())
                if oidcIssuer != nil || oidcSubject != nil {
                    let user = try await service.addProviderUser(name: name, role: role, kallor: kallor, forvaltningar: forvaltningar,
                                                                 issuer: oidcIssuer ?? "", subject: oidcSubject ?? "", by: .commandLine)
                    print("Skapade användaren \(user.name) (\(user.role.swedishName)), som loggar in med kommunens konto.")
                    return
                }
                // Every rule but the password's before the password is asked for.
                var account = WorkspaceService.NewAccount(name: name, role: role, password: "", kallor: kallor, forvaltningar: forvaltningar)
                if let problem = WorkspaceService.problemBesidesPassword(account) { throw problem }
                if try await service.user(named: name) != nil { throw WorkspaceError.userExists(name) }
                account = try await service.withRegisteredScope(account)
                account.password = try PasswordPrompt.read()
                let user = try await service.addUser(account, by: .commandLine)
                print("Skapade användaren \(user.name) (\(user.role.swedishName)).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Listar kontona.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let users = try database.open().users()
                if users.isEmpty {
                    print("Inga konton ännu. Skapa en samordnare med: lagesbild user add NAMN --role samordnare")
                    return
                }
                var table = TextTable(headers: ["Namn", "Roll", "Rapporterar för", "Status", "Tvåstegsverifiering"])
                for user in users {
                    let scope = (user.kallor.map { "källa \($0)" } + user.forvaltningar.map { "förvaltning \($0)" }).joined(separator: ", ")
                    table.add([user.name, user.role.swedishName, scope, user.disabled ? "avstängd" : "aktiv",
                               user.signsInWithProvider ? "kommunens konto" : user.hasTOTP ? "på" : "av"])
                }
                print(table.render())
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Byter ett kontos lösenord.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Användarnamnet.", valueName: "namn")) var name: String

        func run() async throws {
            try await reportingErrors {
                let service = WorkspaceService(store: try database.open())
                guard let user = try await service.user(named: name) else { throw WorkspaceError.unknownUser(name) }
                // Before a password is asked for: none opens an account of the identity provider.
                guard !user.signsInWithProvider else { throw AccountError.providerAccount }
                let password = try PasswordPrompt.read()
                _ = try await service.setPassword(of: name, to: password, by: .commandLine)
                print("Bytte lösenord för \(name). Kontots inloggningar i arbetsytan avslutades.")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stänger av ett konto (det kan inte längre logga in).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Användarnamnet.", valueName: "namn")) var name: String

        func run() async throws {
            try await reportingErrors {
                _ = try await WorkspaceService(store: try database.open()).disable(name, by: .commandLine)
                print("Stängde av \(name); kontots inloggningar i arbetsytan avslutades.")
            }
        }
    }
}

extension UserCommand {
    /// `lagesbild user totp NAMN reset`: the second factor of an account that lost its phone.
    struct TOTP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Stänger av ett kontos tvåstegsverifiering (reset), till exempel när telefonen har förlorats.",
            discussion: "Nyckeln och reservkoderna glöms och kontots inloggningar i arbetsytan avslutas. Kontot slår på tvåstegsverifieringen igen under Ditt konto; en samordnare som måste ha den gör det vid nästa inloggning."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Användarnamnet.", valueName: "namn")) var name: String
        @Argument(help: ArgumentHelp("Vad som ska göras: reset (stänger av tvåstegsverifieringen).", valueName: "åtgärd")) var action: String

        func validate() throws {
            guard action == "reset" else { throw ValidationError("\"\(action)\" är ingen åtgärd för totp; skriv reset") }
        }

        func run() async throws {
            try await reportingErrors {
                let user = try await WorkspaceService(store: try database.open()).resetTOTP(of: name, by: .commandLine)
                print("Stängde av tvåstegsverifieringen för \(user.name); nyckeln och reservkoderna gäller inte längre och kontots inloggningar i "
                    + "arbetsytan avslutades.")
                if user.role == .samordnare {
                    print("Samordnaren slår på den igen med den nya telefonen vid nästa inloggning.")
                } else {
                    print("Kontot kan slå på den igen under Ditt konto.")
                }
            }
        }
    }
}

/// Reads a new password: twice without echo from a terminal, once (one line) from a pipe.
enum PasswordPrompt {
    struct Mismatch: Error, UserFacingError { var description: String { AccountError.passwordsDiffer.description + "; inget ändrades" } }
    struct Refused: Error, UserFacingError { let description: String }

    static func read() throws -> String {
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            let first = readHidden("Lösenord: ")
            let second = readHidden("Upprepa lösenordet: ")
            guard first == second else { throw Mismatch() }
            password = first
        } else {
            password = Swift.readLine(strippingNewline: true) ?? ""
        }
        if let problem = Passwords.problem(with: password) { throw Refused(description: problem) }
        return password
    }

    private static func readHidden(_ prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return Swift.readLine(strippingNewline: true) ?? ""
    }
}
