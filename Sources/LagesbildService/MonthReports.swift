import Crypto
import Foundation
import GRDB
import LagesbildIngest
import LagesbildModel
import LagesbildStore
import NIOPosix

/// One källa's signals for one month, as a person reports them in the workspace's month form: a row per kategori
/// (with miljö and område) or "no signals this month" (a zero report, ``ZeroReport``). Saving it replaces everything
/// stored for that källa and month, through the importer (the same validator, scope, history and import log as a
/// file), in one entry of the import log that undo reverses.
public struct MonthReport: Sendable, Equatable {
    /// A row as typed: codes for kategori and miljö, the område's name, the counts as text ("" when left empty).
    public struct Row: Sendable, Equatable {
        public var kategori, miljo, omrade, antal, oros, polis: String

        public init(kategori: String, miljo: String = "", omrade: String = "", antal: String = "", oros: String = "", polis: String = "") {
            self.kategori = kategori
            self.miljo = miljo
            self.omrade = omrade
            self.antal = antal
            self.oros = oros
            self.polis = polis
        }

        /// Nothing counted: antal empty or 0 and neither report count given. Such a row is no signal and is not stored.
        public var isBlank: Bool {
            let count = antal.trimmingCharacters(in: .whitespaces)
            return (count.isEmpty || count == "0") && oros.trimmingCharacters(in: .whitespaces).isEmpty
                && polis.trimmingCharacters(in: .whitespaces).isEmpty
        }
    }

    public var month: SourceMonth
    public var rows: [Row]
    /// "Inga signaler den här månaden".
    public var noSignals: Bool

    /// The most rows one month's form takes.
    public static let rowLimit = 60

    public init(month: SourceMonth, rows: [Row], noSignals: Bool) {
        self.month = month
        self.rows = rows
        self.noSignals = noSignals
    }

    /// The import log's name for a saved month.
    public var logName: String { "månadsrapport \(month.source), \(SwedishFormat.monthAndYear(month.month, month.year))" }

    /// The report as the one-file import it is saved as: a zero report, or the rows that count something, each on the
    /// line of its row in the form plus one (the header is line 1), so that the importer's errors name the form's row.
    func csv() -> (text: String, formRowOfLine: [Int: Int]) {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") + "\""
        }
        var lines = ["år;månad;kategori;miljö;område;källa;antal;orosanmälningar;polisanmälningar"]
        var formRowOfLine: [Int: Int] = [:]
        let when = [String(month.year), month.month == 0 ? "" : String(month.month)]
        if noSignals {
            lines.append((when + ["", "", "", month.source, "0", "", ""]).map(quoted).joined(separator: ";"))
            formRowOfLine[2] = 0
        } else {
            for (index, row) in rows.enumerated() where !row.isBlank {
                lines.append((when + [row.kategori, row.miljo, row.omrade, month.source, row.antal, row.oros, row.polis]).map(quoted)
                    .joined(separator: ";"))
                formRowOfLine[lines.count] = index + 1
            }
        }
        return (lines.joined(separator: "\r\n") + "\r\n", formRowOfLine)
    }
}

/// Why a month report cannot be saved: each problem a Swedish sentence naming the form's row. Nothing was saved.
public struct MonthReportError: Error, Equatable, UserFacingError {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// What saving a month report did.
public enum MonthSaveOutcome: Sendable, Equatable {
    /// Saved as the import log's entry `importID`.
    case saved(importID: Int64)
    /// The form held what was stored: nothing was written.
    case unchanged
}

extension WorkspaceService {
    /// The month's stored rows, and a version of them that changes whenever they do (the form carries it, so that a
    /// save over someone else's newer save of the same month is refused instead of silently undoing it).
    public func storedMonth(_ month: SourceMonth) async throws -> (rows: [StoredRow], version: String) {
        let store = self.store
        let rows = try await NIOThreadPool.singleton.runIfActive { try store.storedRows(in: .signalMonth(month)) }
        return (rows, Self.version(of: rows))
    }

    static func version(of rows: [StoredRow]) -> String {
        let text = rows.map { row in
            [ColumnKey.category, .environment, .area].map { row.text($0) }.joined(separator: "\u{1F}") + "\u{1F}"
                + [ColumnKey.count, .concernReports, .policeReports].map { row.integer($0).map(String.init) ?? "" }.joined(separator: "\u{1F}")
                + "\u{1F}\(row.importID)"
        }.joined(separator: "\u{1E}")
        return SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The källa of a month as stored: the user's registered spelling for a rapportör (nil when it is not theirs), as
    /// given for the samordnare; nil for the roles that report no figures.
    public func reportingSource(_ source: String, for user: WebUser) -> String? {
        switch user.role {
        case .samordnare: source.isEmpty ? nil : source
        case .rapportor: ImportScope.registered(source, among: user.kallor)
        case .lasare, .medlem: nil
        }
    }

    /// Saves a month report for `user` (whose scope the importer applies), if `version` is still the month's.
    /// Throws ``MonthReportError`` with the form's rows named, or ``MonthReportConflict`` when the month changed since
    /// the form was read.
    public func saveMonth(_ report: MonthReport, version: String, by user: WebUser, actor: Actor) async throws -> MonthSaveOutcome {
        guard report.rows.count <= MonthReport.rowLimit else {
            throw MonthReportError(problems: ["Formuläret har fler än \(MonthReport.rowLimit) rader."])
        }
        var problems: [String] = []
        let counted = report.rows.enumerated().filter { !$0.element.isBlank }
        if report.noSignals {
            if let (index, _) = counted.first {
                problems.append("Du har kryssat i \"Inga signaler den här månaden\" men fyllt i rad \(index + 1). Ta bort krysset eller raderna.")
            }
        } else if counted.isEmpty {
            problems.append("Fyll i antal för minst en kategori, eller kryssa i \"Inga signaler den här månaden\".")
        }
        for (index, row) in counted where row.kategori.isEmpty {
            problems.append("Rad \(index + 1): välj en kategori.")
        }
        if !problems.isEmpty { throw MonthReportError(problems: problems) }

        let (text, formRowOfLine) = report.csv()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-manad-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw MonthReportError(problems: ["Månaden kunde inte sparas (ingen plats för en tillfällig fil på servern)."])
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = self.store, scope = scope(of: user), name = report.logName
        let result: ImportReport
        do {
            result = try await NIOThreadPool.singleton.runIfActive {
                try Importer(store: store).importFiles([path], names: [name], kind: .signaler, scope: scope, replacing: .signalMonth(report.month)) { rows in
                    guard Self.version(of: rows) == version else { throw MonthReportConflict() }
                }
            }
        } catch let failure as ImportFailure {
            throw MonthReportError(problems: failure.errors.map { error in
                let row = error.line.flatMap { formRowOfLine[$0] }
                let place = row.map { $0 == 0 ? "Inga signaler" : "Rad \($0)" } ?? "Formuläret"
                return "\(place)" + (error.column.map { ", \($0)" } ?? "") + ": " + Self.formSentence(error.problem, formRowOfLine: formRowOfLine)
            })
        }
        guard let file = result.files.first else { throw MonthReportError(problems: ["Månaden kunde inte sparas."]) }
        if file.changedNothing { return .unchanged }
        guard let importID = file.importID else { throw MonthReportError(problems: ["Månaden kunde inte sparas."]) }
        try await audit(.monthReport, by: actor, detail: "\(name) (import \(importID))")
        return .saved(importID: importID)
    }

    /// The importer's sentence for a problem, in the form's words where the file's differ.
    static func formSentence(_ problem: ImportProblem, formRowOfLine: [Int: Int]) -> String {
        switch problem {
        case .duplicateKey(let firstLine):
            "samma kategori, miljö och område som rad \(formRowOfLine[firstLine] ?? firstLine); slå ihop raderna"
        default: problem.sentence
        }
    }
}

/// The month changed (someone else saved it) after the form was read: nothing was saved.
public struct MonthReportConflict: Error, Equatable {}
