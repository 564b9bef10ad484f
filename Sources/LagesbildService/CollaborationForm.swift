import Foundation
import LagesbildIngest
import LagesbildModel
import LagesbildStore

/// Samverkan of one year, as the samordnare edits it in the workspace: a row per actor (a name of the register of
/// samverkansaktörer) with its typ and the number of meetings. Saving it replaces the year's rows (``YearForm``).
public struct CollaborationForm: Sendable, Equatable, YearForm {
    /// A row as typed: the actor's name, the typ's code ("" when not chosen), the meetings as text ("" when left empty).
    public struct Row: Sendable, Equatable {
        public var aktor, typ, moten: String

        public init(aktor: String = "", typ: String = "", moten: String = "") {
            self.aktor = aktor
            self.typ = typ
            self.moten = moten
        }

        /// A stored row as a form's row.
        public init(_ row: StoredRow) {
            self.init(aktor: row.text(.actor), typ: row.text(.collaborationType), moten: row.integer(.meetings).map(String.init) ?? "")
        }

        /// Nothing chosen or typed: such a row is not stored.
        public var isBlank: Bool { [aktor, typ, moten].allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    public var year: Int
    public var rows: [Row]

    public init(year: Int, rows: [Row]) {
        self.year = year
        self.rows = rows
    }

    static var kind: DataKind { .samverkan }
    var rowCount: Int { rows.count }
    public var logName: String { "samverkan \(year)" }

    func csv() -> (text: String, formRowOfLine: [Int: Int]) {
        var lines = [Self.line(["år", "aktör", "typ", "möten"])]
        var formRowOfLine: [Int: Int] = [:]
        for (index, row) in rows.enumerated() where !row.isBlank {
            lines.append(Self.line([String(year), row.aktor, row.typ, row.moten]))
            formRowOfLine[lines.count] = index + 1
        }
        return (lines.joined(separator: "\r\n") + "\r\n", formRowOfLine)
    }

    static func sentence(_ problem: ImportProblem, formRowOfLine: [Int: Int]) -> String {
        switch problem {
        case .duplicateKey(let firstLine): "samma aktör som rad \(formRowOfLine[firstLine] ?? firstLine); slå ihop raderna"
        case .emptyRequiredValue: "fyll i eller välj ett värde"
        default: problem.sentence
        }
    }
}

extension WorkspaceService {
    /// Saves a year's samverkan if `version` is still the year's (``storedYear(_:year:)``); see ``YearForm``.
    public func saveCollaboration(_ form: CollaborationForm, version: String, actor: Actor) async throws -> YearSaveOutcome {
        try await saveYear(form, version: version, action: .collaboration, actor: actor)
    }
}
