import Crypto
import Foundation
import LagesbildIngest
import LagesbildModel
import LagesbildStore
import NIOPosix

/// A kind's rows of one year as one form (the activity plan's follow-up, samverkan): saving it replaces the year's
/// stored rows through the importer (the same validator, registers, history and import log as a file), in one entry of
/// the import log that undo reverses. Like the month form (``MonthReport``), a form read before someone else's save
/// is refused, and a form that changes nothing writes nothing.
protocol YearForm: Sendable {
    /// The kind whose year the form stands for.
    static var kind: DataKind { get }
    /// The import log's name, e.g. "aktivitetsplan 2025".
    var logName: String { get }
    var year: Int { get }
    var rowCount: Int { get }
    /// Problems found before the importer is asked (a Swedish sentence each, naming the form's row).
    func problems() -> [String]
    /// The form as the one-file import it is saved as: the header, then a line per row that holds anything, with the
    /// form's row of each line (the header is line 1), so that the importer's errors name the form's row.
    func csv() -> (text: String, formRowOfLine: [Int: Int])
    /// The importer's sentence for a problem, in the form's words where the file's differ.
    static func sentence(_ problem: ImportProblem, formRowOfLine: [Int: Int]) -> String
}

/// Why a year's form cannot be saved: each problem a Swedish sentence naming the form's row. Nothing was saved.
public struct YearFormError: Error, Equatable, UserFacingError {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// The year changed (someone else saved it) after the form was read: nothing was saved.
public struct YearFormConflict: Error, Equatable {}

/// What saving a year's form did.
public enum YearSaveOutcome: Sendable, Equatable {
    /// Saved as the import log's entry `importID`.
    case saved(importID: Int64)
    /// The form held what was stored: nothing was written.
    case unchanged
}

/// The most rows one year's form takes (the activity plan's and samverkan's alike).
public let yearFormRowLimit = 120

extension YearForm {
    func problems() -> [String] { [] }

    /// A line of the form's file: every field quoted, line breaks flattened (a form's text field has none).
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            "\"" + field.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\r", with: " ")
                .replacingOccurrences(of: "\n", with: " ") + "\""
        }.joined(separator: ";")
    }
}

extension WorkspaceService {
    /// A kind's stored rows of one year in the own municipality, and a version of them that changes whenever they do
    /// (the form carries it, so that a save over someone else's newer save is refused instead of silently undoing it).
    public func storedYear(_ kind: DataKind, year: Int) async throws -> (rows: [StoredRow], version: String) {
        let store = self.store
        let rows = try await NIOThreadPool.singleton.runIfActive { try store.storedRows(kind: kind, kommun: store.ownKommun, year: year) }
        return (rows, Self.yearVersion(kind, year: year, of: rows))
    }

    static func yearVersion(_ kind: DataKind, year: Int, of rows: [StoredRow]) -> String {
        let text = rows.map { row in
            kind.columns.map { column in
                switch column.type {
                case .year, .month, .count, .optionalCount: row.integer(column.db).map(String.init) ?? ""
                default: row.text(column.db)
                }
            }.joined(separator: "\u{1F}") + "\u{1F}\(row.importID)"
        }.joined(separator: "\u{1E}")
        return SHA256.hash(data: Data("\(kind.rawValue)\u{1D}\(year)\u{1D}\(text)".utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// Saves a year's form if `version` is still the year's, as `action` in the audit log. Throws ``YearFormError``
    /// with the form's rows named, or ``YearFormConflict`` when the year changed since the form was read.
    func saveYear<Form: YearForm>(_ form: Form, version: String, action: AuditAction, actor: Actor) async throws -> YearSaveOutcome {
        guard form.rowCount <= yearFormRowLimit else {
            throw YearFormError(problems: ["Formuläret har fler än \(yearFormRowLimit) rader."])
        }
        let problems = form.problems()
        if !problems.isEmpty { throw YearFormError(problems: problems) }

        let (text, formRowOfLine) = form.csv()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-ar-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw YearFormError(problems: ["Uppgifterna kunde inte sparas (ingen plats för en tillfällig fil på servern)."])
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = self.store, name = form.logName, year = form.year
        let scope = ReplacingScope.year(Form.kind, kommun: store.ownKommun.rawValue, year: form.year)
        let result: ImportReport
        do {
            result = try await NIOThreadPool.singleton.runIfActive {
                try Importer(store: store).importFiles([path], names: [name], kind: Form.kind, replacing: scope) { rows in
                    guard Self.yearVersion(Form.kind, year: year, of: rows) == version else { throw YearFormConflict() }
                }
            }
        } catch let failure as ImportFailure {
            throw YearFormError(problems: failure.errors.map { error in
                let place = error.line.flatMap { formRowOfLine[$0] }.map { "Rad \($0)" } ?? "Formuläret"
                return place + (error.column.map { ", \($0)" } ?? "") + ": " + Form.sentence(error.problem, formRowOfLine: formRowOfLine)
            })
        }
        guard let file = result.files.first else { throw YearFormError(problems: ["Uppgifterna kunde inte sparas."]) }
        if file.changedNothing { return .unchanged }
        guard let importID = file.importID else { throw YearFormError(problems: ["Uppgifterna kunde inte sparas."]) }
        try await audit(action, by: actor, detail: "\(name) (import \(importID))")
        return .saved(importID: importID)
    }
}
