import Foundation
import LagesbildIngest
import LagesbildStore
import Testing
@testable import LagesbildWeb

/// The importer's messages in the pages' words: a form's rows are "raden i formuläret", never a file's line; no
/// encoding in parentheses; "försök igen", not "kör kommandot igen".
@Suite struct WebWordsTests {
    static func form(_ fixture: WorkspaceFixture, _ text: String) throws -> Result<ImportReport, ImportFailure> {
        let path = try WorkspaceUploadTests.file("formular.csv", text)
        do {
            return .success(try Importer(store: fixture.store).importFiles([path], names: ["formulär för signaler"], kind: .signaler))
        } catch let failure as ImportFailure {
            return .failure(failure)
        }
    }

    @Test func aFormsRowsAndErrorsInTheFormsWords() throws {
        let fixture = try WorkspaceFixture()
        let header = "år;månad;kategori;källa;antal;orosanmälningar\n"
        guard case .failure(let failure) = try Self.form(fixture, header + "2025;3;klotter;Skola;-1;\n2025;3;klotter;Skola;2;5\n") else {
            Issue.record("the rows were accepted")
            return
        }
        let errors = WebWords.formErrors(failure)
        #expect(errors.first == "raden i formuläret: kolumnen \"antal\": \"-1\" är inte ett icke-negativt heltal")
        #expect(errors.last == "Inget sparades: rätta felen och försök igen.")
        #expect(!errors.joined().contains("formulär för signaler") && !errors.joined().contains("kommandot"))
        // A form with several rows names them as it likes.
        let named = WebWords.formErrors(failure) { line in "raden för \(["", "", "klotter", "flygblad"][line ?? 0])" }
        #expect(named.first?.hasPrefix("raden för klotter: kolumnen \"antal\"") == true)
        guard case .success(let report) = try Self.form(fixture, header + "2025;3;klotter;Skola;2;1\n") else {
            Issue.record("the row was refused")
            return
        }
        #expect(WebWords.formLines(report) == ["Sparat: 1 ny rad, 0 ersatta, 0 oförändrade."])
        guard case .success(let same) = try Self.form(fixture, header + "2025;3;klotter;Skola;2;1\n") else { return }
        #expect(WebWords.formLines(same) == ["Inget ändrades: uppgifterna fanns redan med samma värden."])
        guard case .success(let changed) = try Self.form(fixture, header + "2025;3;klotter;Skola;3;1\n") else { return }
        #expect(WebWords.formLines(changed) == ["Sparat: 0 nya rader, 1 ersatt, 0 oförändrade. De tidigare värdena finns kvar i historiken."])
    }

    @Test func anUploadsLinesNameTheFileButNotItsEncoding() throws {
        let fixture = try WorkspaceFixture()
        let path = try WorkspaceUploadTests.file("s.csv", "år;kategori;antal\n2025;klotter;1\n")
        let report = try Importer(store: fixture.store).importFiles([path], names: ["signaler.csv"])
        #expect(WebWords.lines(report) == ["signaler.csv: signaler – 1 nya, 0 ersatta, 0 oförändrade rader."])
        #expect(WebWords.savedHeading(report) == "Sparat")
        let again = try Importer(store: fixture.store).importFiles([path], names: ["kopia.csv"])
        #expect(WebWords.savedHeading(again) == "Inget ändrades: filen var redan inläst")
        #expect(WebWords.lines(again).first?.hasPrefix("kopia.csv: inget ändrades: filen var redan inläst (import ") == true)
    }
}
