import Foundation
import GRDB
import Testing

/// `lagesbild user`: the workspace service's rules and sentences, the same as on the users page.
@Suite struct UserCommandTests {
    @Test func accountsAreMadeChangedAndDisabledWithTheServicesRules() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let password = "ett-långt-lösenord\n"
        // A rapportör's källor are entries of the källor register; a spelling outside it makes no new source.
        _ = try cli.succeed(["register", "add", "kallor", "Grundskola", "--db", cli.database])
        let made = try cli.run(["user", "add", "skola-norr", "--role", "rapportor", "--kalla", "Grundskola", "--db", cli.database], input: password)
        #expect(made.status == 0 && made.stdout == "Skapade användaren skola-norr (rapportör).\n", "\(made.stderr)")
        // A member of the collaboration group: a role without källor or förvaltningar.
        let member = try cli.run(["user", "add", "gruppen-socialtjanst", "--role", "medlem", "--db", cli.database], input: password)
        #expect(member.status == 0 && member.stdout == "Skapade användaren gruppen-socialtjanst (medlem).\n", "\(member.stderr)")
        // The rules, each with its sentence, and nothing written.
        let refusals: [([String], String, String)] = [
            (["user", "add", "ledamot", "--role", "lasare", "--kalla", "Grundskola"], password, "källor och förvaltningar gäller bara rapportörer"),
            (["user", "add", "skola-syd", "--role", "rapportor"], password, "en rapportör behöver minst en källa eller förvaltning"),
            (["user", "add", "x", "--role", "lasare"], password, "\"x\" är inget giltigt användarnamn"),
            (["user", "add", "skola-norr", "--role", "lasare"], password, "användaren \"skola-norr\" finns redan"),
            (["user", "add", "ledamot", "--role", "lasare"], "kort\n", "lösenordet ska ha minst 12 tecken"),
            (["user", "passwd", "finns-inte"], password, "det finns ingen användare \"finns-inte\""),
            (["user", "add", "skola-syd", "--role", "rapportor", "--kalla", "Grundskolan"], password, "okänd källa \"Grundskolan\"; menade du \"Grundskola\"?"),
            (["user", "add", "gruppen-polis", "--role", "medlem", "--forvaltning", "Polisen"], password, "källor och förvaltningar gäller bara rapportörer"),
            (["user", "add", "gast", "--role", "gäst"], password, "\"gäst\" är ingen roll; välj samordnare, rapportor, lasare eller medlem"),
        ]
        for (arguments, input, message) in refusals {
            let refused = try cli.run(arguments + ["--db", cli.database], input: input)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        let changed = try cli.run(["user", "passwd", "skola-norr", "--db", cli.database], input: "ett-nytt-långt-lösenord\n")
        #expect(changed.stdout == "Bytte lösenord för skola-norr. Kontots inloggningar i arbetsytan avslutades.\n", "\(changed.stderr)")
        let disabled = try cli.succeed(["user", "disable", "skola-norr", "--db", cli.database])
        #expect(disabled.stdout == "Stängde av skola-norr; kontots inloggningar i arbetsytan avslutades.\n")
        let list = try cli.succeed(["user", "list", "--db", cli.database]).stdout
        #expect(list.contains("skola-norr") && list.contains("källa Grundskola") && list.contains("avstängd"))
        #expect(list.contains("gruppen-socialtjanst") && list.contains("medlem"))
        #expect(!list.contains("ledamot") && !list.contains("skola-syd"))
        // The audit log names the command line for each change.
        let log = try cli.query("SELECT action || ' ' || detail || ' ' || user FROM audit_log ORDER BY id", as: String.self)
        #expect(log == ["register: nytt namn källa: \"Grundskola\" (kommandorad)", "användare skapad skola-norr, rapportör (kommandorad)",
                        "användare skapad gruppen-socialtjanst, medlem (kommandorad)", "lösenord bytt skola-norr (kommandorad)",
                        "användare avstängd skola-norr (kommandorad)"])
    }

    /// An account of the municipality's identity provider made beforehand: no password asked, the name it is shown
    /// by, linked to the issuer and subject; the same identity twice is refused.
    @Test func aProviderAccountIsMadeBeforehandWithoutAPassword() throws {
        let cli = try CLI()
        try cli.initDatabase()
        let issuer = "https://login.microsoftonline.com/abc/v2.0"
        let made = try cli.run(["user", "add", "ks-ordforande", "--role", "lasare", "--oidc-issuer", issuer, "--oidc-subject", "oid-1", "--db", cli.database])
        #expect(made.status == 0 && made.stdout == "Skapade användaren ks-ordforande (läsare), som loggar in med kommunens konto.\n", "\(made.stderr)")
        let again = try cli.run(["user", "add", "ks-ledamot", "--role", "lasare", "--oidc-issuer", issuer, "--oidc-subject", "oid-1", "--db", cli.database])
        #expect(again.status != 0 && again.stderr.contains("identiteten hör redan till kontot \"ks-ordforande\""), "\(again.stderr)")
        let half = try cli.run(["user", "add", "ks-ledamot", "--role", "lasare", "--oidc-subject", "oid-2", "--db", cli.database])
        #expect(half.status != 0 && half.stderr.contains("ange både utfärdaren (--oidc-issuer)"), "\(half.stderr)")
        #expect(try cli.query("SELECT name || ' ' || oidc_issuer || ' ' || oidc_subject || ' [' || password_hash || ']' FROM web_user", as: String.self)
            == ["ks-ordforande \(issuer) oid-1 []"])
        let list = try cli.succeed(["user", "list", "--db", cli.database]).stdout
        #expect(list.split(separator: "\n").contains { $0.hasPrefix("ks-ordforande") && $0.hasSuffix("kommunens konto") })
        // No password opens it.
        let passwd = try cli.run(["user", "passwd", "ks-ordforande", "--db", cli.database], input: "ett-långt-lösenord\n")
        #expect(passwd.status != 0 && passwd.stderr.contains("loggar in med kommunens konto"), "\(passwd.stderr)")
    }

    /// `lagesbild user totp NAMN reset` and `lagesbild settings --totp-samordnare`: Swedish, audited, and the list says
    /// who has TOTP.
    @Test func totpIsResetForAnAccountAndRequiredForSamordnareBySetting() throws {
        let cli = try CLI()
        try cli.initDatabase()
        _ = try cli.run(["user", "add", "samordnare", "--role", "samordnare", "--db", cli.database], input: "ett-långt-lösenord\n")
        _ = try cli.run(["user", "add", "ledamot", "--role", "lasare", "--db", cli.database], input: "ett-långt-lösenord\n")
        #expect(try cli.succeed(["settings", "--db", cli.database]).stdout.hasSuffix("Tvåstegsverifiering krävs för samordnare: på\n"))
        #expect(try cli.succeed(["settings", "--totp-samordnare", "av", "--db", cli.database]).stdout
            .hasSuffix("Tvåstegsverifiering krävs för samordnare: av\n"))
        #expect(try cli.succeed(["settings", "--totp-samordnare", "på", "--db", cli.database]).stdout
            .hasSuffix("Tvåstegsverifiering krävs för samordnare: på\n"))
        let bad = try cli.run(["settings", "--totp-samordnare", "kanske", "--db", cli.database])
        #expect(bad.status != 0 && bad.stderr.contains("\"kanske\" är varken på eller av"), "\(bad.stderr)")
        // TOTP switched on as the workspace does it (a secret, a used step, the time, ten code hashes).
        let queue = try DatabaseQueue(path: cli.database)
        try queue.write { db in
            try db.execute(sql: "UPDATE web_user SET totp_secret = ?, totp_last_step = 1, totp_enabled_at = '2026-03-15T10:00:00Z' WHERE name = 'samordnare'",
                           arguments: [Data(repeating: 0x31, count: 20)])
            for index in 0..<10 {
                try db.execute(sql: "INSERT INTO recovery_code (user_id, code_hash) SELECT id, ? FROM web_user WHERE name = 'samordnare'",
                               arguments: [String(repeating: String(index), count: 64)])
            }
        }
        let list = try cli.succeed(["user", "list", "--db", cli.database]).stdout
        #expect(list.contains("Tvåstegsverifiering"))
        #expect(list.split(separator: "\n").contains { $0.hasPrefix("samordnare") && $0.hasSuffix("på") })
        #expect(list.split(separator: "\n").contains { $0.hasPrefix("ledamot") && $0.hasSuffix("av") })
        let reset = try cli.succeed(["user", "totp", "samordnare", "reset", "--db", cli.database])
        #expect(reset.stdout == "Stängde av tvåstegsverifieringen för samordnare; nyckeln och reservkoderna gäller inte längre och kontots "
            + "inloggningar i arbetsytan avslutades.\nSamordnaren slår på den igen med den nya telefonen vid nästa inloggning.\n")
        #expect(try cli.query("SELECT COUNT(*) FROM web_user WHERE totp_secret IS NOT NULL OR totp_enabled_at IS NOT NULL", as: Int.self) == [0])
        #expect(try cli.query("SELECT COUNT(*) FROM recovery_code", as: Int.self) == [0])
        let refusals: [([String], String)] = [
            (["user", "totp", "samordnare", "reset"], "tvåstegsverifiering är inte påslagen för kontot"),
            (["user", "totp", "finns-inte", "reset"], "det finns ingen användare \"finns-inte\""),
            (["user", "totp", "samordnare", "av"], "\"av\" är ingen åtgärd för totp; skriv reset"),
        ]
        for (arguments, message) in refusals {
            let refused = try cli.run(arguments + ["--db", cli.database])
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        let log = try cli.query("SELECT action || ': ' || detail || ' ' || user FROM audit_log WHERE action <> 'användare skapad' ORDER BY id", as: String.self)
        #expect(log == ["inställning ändrad: tvåstegsverifiering krävs för samordnare: av (kommandorad)",
                        "inställning ändrad: tvåstegsverifiering krävs för samordnare: på (kommandorad)",
                        "tvåstegsverifiering återställd: samordnare (kommandorad)"])
    }
}
