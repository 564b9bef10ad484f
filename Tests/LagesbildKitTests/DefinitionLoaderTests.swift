import Foundation
import Testing
@testable import LagesbildModel
@testable import LagesbildStore
@testable import LagesbildIngest
@testable import LagesbildIndicators
@testable import LagesbildReport

@Suite struct DefinitionLoaderTests {
    static let valid = """
        id: X-01
        title: Test
        description: En test.
        target_area: 1
        unit: antal
        direction: neutral
        measure:
          type: sum
          source: signaler
          field: antal
        """

    func error(_ text: String) -> String? {
        do {
            _ = try DefinitionLoader.parse(text, file: "X-01.yaml")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aValidFileParses() throws {
        let definition = try DefinitionLoader.parse(Self.valid, file: "X-01.yaml")
        #expect(definition.id == "X-01")
        #expect(definition.decimals == 0)
    }

    @Test(arguments: [
        ("unit: antal", "unit: styck", "X-01.yaml: nyckeln \"unit\": \"styck\" är ingen enhet"),
        ("field: antal", "field: personer", "X-01.yaml: nyckeln \"measure.field\": \"personer\" är ingen kolumn i signaler"),
        ("type: sum", "type: median", "X-01.yaml: nyckeln \"measure.type\": \"median\" är ingen byggsten"),
        ("source: signaler", "source: brott", "X-01.yaml: nyckeln \"measure.source\": \"brott\" är ingen datakälla"),
        ("title: Test\n", "titel: Test\n", "X-01.yaml: nyckeln \"titel\": okänd nyckel"),
        ("target_area: 1", "target_area: 7", "X-01.yaml: nyckeln \"target_area\": \"7\" ska vara ett heltal 1–3"),
        ("direction: neutral", "direction: upp", "X-01.yaml: nyckeln \"direction\": \"upp\" ska vara lower"),
        ("  field: antal", "  field: antal\n  where: {kategori: graffiti}", "X-01.yaml: nyckeln \"measure.where.kategori\": okänt värde \"graffiti\""),
        ("id: X-01\n", "", "X-01.yaml: nyckeln \"id\": saknas"),
        ("measure:", "measure: [", "X-01.yaml: ogiltig YAML"),
    ])
    func malformedFilesNameFileKeyAndProblem(_ original: String, _ replacement: String, _ expected: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        let message = error(text)
        #expect(message?.hasPrefix(expected) == true, "got: \(message ?? "no error")")
    }

    @Test func embeddedFilesMatchTheIndicatorsAndReportsFolders() throws {
        // The binary carries Indicators/, Reports/ and Reference/ compiled in by the EmbedResources build plugin,
        // each in the target that reads it; a file added, changed or removed is in the next build.
        for (folder, embedded) in [("Indicators", LagesbildIndicators.EmbeddedFiles.indicators), ("Reports", LagesbildReport.EmbeddedFiles.reports),
                                   ("Reference", LagesbildModel.EmbeddedFiles.reference)] {
            let url = CLIFolders.repository.appendingPathComponent(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
                .filter { [".yaml", ".mustache", ".css", ".csv", ".geojson"].contains(where: $0.hasSuffix) }
            #expect(Set(names) == Set(embedded.keys), "\(folder)/ and the compiled-in copy differ")
            for name in names {
                let text = try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
                #expect(embedded[name] == text, "\(folder)/\(name) and the compiled-in copy differ")
            }
        }
    }
}
