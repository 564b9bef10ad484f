import Foundation
import LagesbildIngest
import LagesbildModel
import LagesbildStore

/// The activity plan's follow-up of one year, as the samordnare (and later the group) edits it in the workspace: a row
/// per activity with målområde, ansvarig funktion (a function, never a person), insatsnivå, status and kommentar.
/// Saving it replaces the year's activities (``YearForm``).
public struct ActivityPlanForm: Sendable, Equatable, YearForm {
    /// A row as typed: the texts as typed, the codes of målområde, insatsnivå and status ("" when not chosen).
    public struct Row: Sendable, Equatable {
        public var aktivitet, malomrade, ansvarig, insatsniva, status, kommentar: String

        public init(aktivitet: String = "", malomrade: String = "", ansvarig: String = "", insatsniva: String = "", status: String = "",
                    kommentar: String = "") {
            self.aktivitet = aktivitet
            self.malomrade = malomrade
            self.ansvarig = ansvarig
            self.insatsniva = insatsniva
            self.status = status
            self.kommentar = kommentar
        }

        /// A stored activity as a row.
        public init(_ row: StoredRow) {
            self.init(aktivitet: row.text(.activity), malomrade: row.text(.targetArea), ansvarig: row.text(.responsible),
                      insatsniva: row.text(.level), status: row.text(.status), kommentar: row.text(.comment))
        }

        /// Nothing typed or chosen: such a row is no activity and is not stored.
        public var isBlank: Bool {
            [aktivitet, malomrade, ansvarig, insatsniva, status, kommentar].allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        }

        /// Neither genomförd nor inställd: the activity goes on into next year's plan (MO3-03, "överförda").
        public var isUnfinished: Bool { status != "genomford" && status != "installd" }
    }

    public var year: Int
    public var rows: [Row]

    public init(year: Int, rows: [Row]) {
        self.year = year
        self.rows = rows
    }

    static var kind: DataKind { .aktiviteter }
    var rowCount: Int { rows.count }
    public var logName: String { "aktivitetsplan \(year)" }

    func csv() -> (text: String, formRowOfLine: [Int: Int]) {
        var lines = [Self.line(["år", "aktivitet", "målområde", "ansvarig", "insatsnivå", "status", "kommentar"])]
        var formRowOfLine: [Int: Int] = [:]
        for (index, row) in rows.enumerated() where !row.isBlank {
            lines.append(Self.line([String(year), row.aktivitet, row.malomrade, row.ansvarig, row.insatsniva, row.status, row.kommentar]))
            formRowOfLine[lines.count] = index + 1
        }
        return (lines.joined(separator: "\r\n") + "\r\n", formRowOfLine)
    }

    static func sentence(_ problem: ImportProblem, formRowOfLine: [Int: Int]) -> String {
        switch problem {
        case .duplicateKey(let firstLine): "samma aktivitet som rad \(formRowOfLine[firstLine] ?? firstLine); en aktivitet står en gång per år"
        case .emptyRequiredValue: "fyll i eller välj ett värde"
        default: problem.sentence
        }
    }

    /// The start of a year's plan: last year's activities that were neither genomförda nor inställda, with the same
    /// text (aktivitet, målområde, ansvarig, insatsnivå), so that the report and MO3-03 recognise them as carried over;
    /// their status as it was (pågående, ej påbörjad) and no comment.
    public static func carriedOver(from previous: [Row]) -> [Row] {
        previous.filter(\.isUnfinished).map { row in
            Row(aktivitet: row.aktivitet, malomrade: row.malomrade, ansvarig: row.ansvarig, insatsniva: row.insatsniva,
                status: row.status.isEmpty ? "ej-paborjad" : row.status)
        }
    }
}

extension WorkspaceService {
    /// Saves a year's activity plan if `version` is still the year's (``storedYear(_:year:)``); see ``YearForm``.
    public func saveActivityPlan(_ form: ActivityPlanForm, version: String, actor: Actor) async throws -> YearSaveOutcome {
        try await saveYear(form, version: version, action: .activityPlan, actor: actor)
    }
}
