import Foundation
import Hummingbird
import LagesbildIngest
import LagesbildModel
import LagesbildService
import LagesbildStore
import NIOPosix

// MARK: - Forms: one row at a time, through the same validator as a file

/// The two kinds a form enters, with their fields: the form's field name and the file's header for each column.
enum FormKind: String {
    case signal, utbildning

    var kind: DataKind { self == .signal ? .signaler : .utbildning }

    /// (file header, form field, column) in the kind's column order, without the kommun (always the store's own).
    var fields: [(header: String, name: String, column: ColumnKey)] {
        switch self {
        case .signal:
            [("år", "ar", .year), ("månad", "manad", .month), ("kategori", "kategori", .category), ("miljö", "miljo", .environment),
             ("område", "omrade", .area), ("källa", "kalla", .source), ("antal", "antal", .count),
             ("orosanmälningar", "oros", .concernReports), ("polisanmälningar", "polis", .policeReports)]
        case .utbildning:
            [("år", "ar", .year), ("förvaltning", "forvaltning", .department), ("utbildning", "utbildning", .course),
             ("målgrupp", "malgrupp", .targetGroup), ("genomfört", "genomfort", .completed)]
        }
    }

    var keyFields: [(header: String, name: String, column: ColumnKey)] {
        let keys = Set(kind.keyColumns.map(\.db))
        return fields.filter { keys.contains($0.column) }
    }

    /// The import log's name for a row saved or removed by this form.
    var fileName: String { self == .signal ? "formulär för signaler" : "formulär för utbildning" }
}

/// The forms: one row at a time, saved through the same importer as a file. Samordnare and rapportörer; a rapportör
/// sees and changes only rows of its own källor and förvaltningar.
struct FormsController {
    let shared: Shared

    func addRoutes(to group: RouterGroup<WorkspaceContext>) {
        group.get("/uppgifter/formular", use: formsPage)
        group.post("/uppgifter/signal") { request, context in try await saveForm(context, kind: .signal) }
        group.post("/uppgifter/utbildning") { request, context in try await saveForm(context, kind: .utbildning) }
        group.post("/uppgifter/signal/ta-bort") { request, context in try await deleteRow(context, kind: .signal) }
        group.post("/uppgifter/utbildning/ta-bort") { request, context in try await deleteRow(context, kind: .utbildning) }
    }

    /// Every field either form posts (a field absent is nil).
    struct RowForm: Decodable {
        let ar, manad, kategori, miljo, omrade, kalla, antal, oros, polis: String?
        let forvaltning, utbildning, malgrupp, genomfort: String?
        /// Set by the form that changes a stored row (its key is fixed).
        let andra: String?

        subscript(name: String) -> String? {
            switch name {
            case "ar": ar
            case "manad": manad
            case "kategori": kategori
            case "miljo": miljo
            case "omrade": omrade
            case "kalla": kalla
            case "antal": antal
            case "oros": oros
            case "polis": polis
            case "forvaltning": forvaltning
            case "utbildning": utbildning
            case "malgrupp": malgrupp
            case "genomfort": genomfort
            case "andra": andra
            default: nil
            }
        }
    }

    struct FormsPage {
        struct Option { let code: String; let label: String; let selected: Bool }
        struct Field { let name: String; let value: String }
        struct Shown { let label: String; let value: String }
        struct StoredRow {
            let cells: [String]
            /// The row's key as hidden fields, for its delete button.
            let key: [Field]
            let editLink: String
            let description: String
        }
        /// A stored row being changed: its key shown and sent along unchanged, its values in the inputs.
        struct Edit {
            let key: [Field]
            let shown: [Shown]
            let values: [String: String]
        }
        let chrome: Chrome
        let year: Int
        let month: Int
        let monthName: String
        let categories: [Option]
        let environments: [Option]
        let courses: [Option]
        let months: [Option]
        /// The registers' names as choices: a rapportör's own källor and förvaltningar, every registered one for the
        /// samordnare, and the områden.
        let sources: [Option]
        let departments: [Option]
        let areas: [Option]
        let signalRows: [StoredRow]
        let trainingRows: [StoredRow]
        let editSignal: Edit?
        let editTraining: Edit?
        let lines: [String]
        let errors: [String]
        let hasErrors: Bool
        /// What was typed into the new-row forms when a save was refused (kept, as a browser would not).
        let typedSignal: [String: String]
        let typedTraining: [String: String]
        // Stored, not computed: Mustache reads stored properties.
        let hasLines: Bool
        let hasSignalRows: Bool
        let hasTrainingRows: Bool
    }

    static let fullMonthNames = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                                 "november", "december"]

    func monthName(_ month: Int) -> String { (1...12).contains(month) ? Self.fullMonthNames[month - 1] : "hela året" }

    /// The month of `?manad=` (0 is the whole year), or the current month.
    func month(_ request: Request) throws -> Int {
        guard let text = request.query("manad") else { return Calendar(identifier: .gregorian).component(.month, from: Date()) }
        if text.isEmpty { return 0 }
        guard let month = Int(text), (0...12).contains(month) else { throw HTTPError(.badRequest) }
        return month
    }

    /// Whether a user may change a stored row: the service's one rule.
    func mayChange(_ user: WebUser, _ form: FormKind, source: String) -> Bool {
        shared.service.mayChange(user, kind: form.kind, value: source)
    }

    func defaultYear() async throws -> Int { try await shared.figures.defaultYear(version: try await shared.figures.version()) }

    @Sendable func formsPage(_ request: Request, context: WorkspaceContext) async throws -> Response {
        let user = try context.requireUser()
        var edit: (FormKind, [String: String])?
        if let which = request.query("andra") {
            guard let form = FormKind(rawValue: which) else { throw HTTPError(.badRequest) }
            var key: [String: String] = [:]
            for field in form.keyFields { key[field.name] = request.query(field.name) ?? "" }
            edit = (form, key)
        }
        return try await formsPage(context, user: user, year: LagesbildWeb.year(request, fallback: try await defaultYear()), month: month(request), edit: edit)
    }

    /// The forms page; `typed` is what a refused save posted (shown again in its form: the new row's, or the changed
    /// row's when `edit` names it).
    func formsPage(_ context: WorkspaceContext, user: WebUser, year: Int, month: Int, edit: (FormKind, [String: String])? = nil,
                   typed: (FormKind, [String: String])? = nil, lines: [String] = [], errors: [String] = [],
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let service = shared.service
        let sourceNames = user.role == .samordnare ? try await service.registerNames(.kallor) : user.kallor
        let departmentNames = user.role == .samordnare ? try await service.registerNames(.forvaltningar) : user.forvaltningar
        let areaNames = try await service.registerNames(.omraden)
        let typedSignal = typed?.0 == .signal && edit == nil ? typed!.1 : [:]
        let typedTraining = typed?.0 == .utbildning && edit == nil ? typed!.1 : [:]
        func options(_ vocabulary: Vocabulary, _ selected: String? = nil) -> [FormsPage.Option] {
            vocabulary.entries.map { .init(code: $0.code, label: $0.label, selected: $0.code == selected) }
        }
        let months = [FormsPage.Option(code: "", label: "hela året", selected: month == 0)]
            + Self.fullMonthNames.enumerated().map { .init(code: String($0.offset + 1), label: $0.element, selected: $0.offset + 1 == month) }
        let store = shared.store
        let (allSignals, allTraining) = try await NIOThreadPool.singleton.runIfActive {
            (try store.storedRows(kind: .signaler, kommun: store.ownKommun, year: year, month: month),
             try store.storedRows(kind: .utbildning, kommun: store.ownKommun, year: year))
        }
        let signals = allSignals.filter { mayChange(user, .signal, source: $0.text(.source)) }
        let training = allTraining.filter { mayChange(user, .utbildning, source: $0.text(.department)) }
        let signalRows = signals.map { row in
            listed(row, .signal, year: year, month: month, cells: [
                Vocabulary.kategori.label(for: row.text(.category)), row.text(.environment).isEmpty ? "" : Vocabulary.miljo.label(for: row.text(.environment)),
                row.text(.area), row.text(.source), count(row, .count), count(row, .concernReports), count(row, .policeReports),
            ])
        }
        let trainingRows = training.map { row in
            listed(row, .utbildning, year: year, month: month, cells: [
                row.text(.department), Vocabulary.utbildning.label(for: row.text(.course)), count(row, .targetGroup), count(row, .completed),
            ])
        }
        var editSignal: FormsPage.Edit?, editTraining: FormsPage.Edit?
        if let (form, key) = edit {
            let rows = form == .signal ? signals : training
            guard let row = rows.first(where: { row in form.keyFields.allSatisfy { field in formValue(row, field.column) == key[field.name] } }) else {
                return try await formsPage(context, user: user, year: year, month: month,
                                           errors: ["Raden finns inte (längre); den kan redan vara ändrad eller borttagen."], status: .notFound)
            }
            let shown = form.keyFields.filter { $0.column != .year && $0.column != .month }.map { field in
                FormsPage.Shown(label: field.header.capitalizedFirst, value: display(row, field.column))
            }
            var values: [String: String] = [:]
            for field in form.fields where !form.keyFields.contains(where: { $0.name == field.name }) {
                values[field.name] = typed?.0 == form ? typed!.1[field.name] ?? "" : formValue(row, field.column)
            }
            let change = FormsPage.Edit(key: form.keyFields.map { .init(name: $0.name, value: formValue(row, $0.column)) }, shown: shown, values: values)
            if form == .signal { editSignal = change } else { editTraining = change }
        }
        let page = FormsPage(chrome: Chrome(title: "Formulär", context: context, current: "/uppgifter"), year: year, month: month,
                             monthName: monthName(month),
                             categories: options(.kategori, typedSignal["kategori"]),
                             environments: [.init(code: "", label: "(ej angiven)", selected: false)] + options(.miljo, typedSignal["miljo"]),
                             courses: options(.utbildning, typedTraining["utbildning"]), months: months,
                             sources: sourceNames.map { .init(code: $0, label: $0, selected: $0 == typedSignal["kalla"]) },
                             departments: departmentNames.map { .init(code: $0, label: $0, selected: $0 == typedTraining["forvaltning"]) },
                             areas: [.init(code: "", label: "(ej angivet)", selected: false)]
                                + areaNames.map { .init(code: $0, label: $0, selected: $0 == typedSignal["omrade"]) },
                             signalRows: signalRows, trainingRows: trainingRows, editSignal: editSignal, editTraining: editTraining,
                             lines: lines, errors: errors, hasErrors: !errors.isEmpty, typedSignal: typedSignal, typedTraining: typedTraining,
                             hasLines: !lines.isEmpty,
                             hasSignalRows: !signalRows.isEmpty, hasTrainingRows: !trainingRows.isEmpty)
        return shared.views.page(.formular, page, status: status)
    }

    /// A column's value as the form sends it: codes for vocabularies, "" for the whole year and for no value.
    func formValue(_ row: LagesbildStore.StoredRow, _ column: ColumnKey) -> String {
        if column == .month, row.integer(.month) == 0 { return "" }
        return row.integer(column).map(String.init) ?? row.text(column)
    }

    func display(_ row: LagesbildStore.StoredRow, _ column: ColumnKey) -> String {
        let text = row.text(column)
        switch column {
        case .category: return Vocabulary.kategori.label(for: text)
        case .environment: return text.isEmpty ? "(ej angiven)" : Vocabulary.miljo.label(for: text)
        case .course: return Vocabulary.utbildning.label(for: text)
        case .area: return text.isEmpty ? "(ej angivet)" : text
        default: return text
        }
    }

    func count(_ row: LagesbildStore.StoredRow, _ column: ColumnKey) -> String { row.integer(column).map { SwedishFormat.integer($0) } ?? "" }

    func listed(_ row: LagesbildStore.StoredRow, _ form: FormKind, year: Int, month: Int, cells: [String]) -> FormsPage.StoredRow {
        let key = form.keyFields.map { FormsPage.Field(name: $0.name, value: formValue(row, $0.column)) }
        var link = "/uppgifter/formular?ar=\(year)&manad=\(month == 0 ? "" : String(month))&andra=\(form.rawValue)"
        for field in key where field.name != "ar" && field.name != "manad" {
            link += "&\(field.name)=" + (field.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        let description = form.keyFields.filter { $0.column != .year && $0.column != .month }.map { display(row, $0.column) }.joined(separator: ", ")
        return .init(cells: cells, key: key, editLink: link + "#andra-\(form.rawValue)", description: description)
    }

    /// A form's row as a one-row CSV file, imported like an upload: the same header mapping, validator, scope,
    /// history (a row with an existing key replaces it) and import log.
    func saveForm(_ context: WorkspaceContext, kind form: FormKind) async throws -> Response {
        let user = try context.requireUser()
        let fields = try context.form(RowForm.self)
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let csv = form.fields.map { quoted($0.header) }.joined(separator: ";") + "\r\n"
            + form.fields.map { quoted((fields[$0.name] ?? "").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")) }
                .joined(separator: ";") + "\r\n"
        let uploads = shared.uploads
        let folder = try await uploads.newFolder()
        defer { Task { await uploads.discard(folder) } }
        let path = folder.appendingPathComponent("1.upload").path
        guard FileManager.default.createFile(atPath: path, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw HTTPError(.internalServerError)
        }
        // The page after saving lists the row's month (or the year asked for when the form's year is unreadable).
        let formYear = fields.ar.flatMap { Int($0) }.flatMap { Years.valid.contains($0) ? $0 : nil }
        let year = if let formYear { formYear } else { try await defaultYear() }
        let month = form == .signal ? (fields.manad.flatMap { Int($0) }.flatMap { (0...12).contains($0) ? $0 : nil } ?? 0) : 0
        do {
            let scope = shared.service.scope(of: user)
            let store = shared.store
            let report = try await background { try Importer(store: store).importFiles([path], names: [form.fileName], kind: form.kind, scope: scope) }
            let ids = report.files.compactMap(\.importID).map(String.init).joined(separator: ", ")
            try await shared.service.audit(.form, by: context.actor, detail: "\(form.kind.rawValue)" + (ids.isEmpty ? "" : " (import \(ids))"))
            let lines = WebWords.formLines(report)
            return await shared.seeOther("/uppgifter/formular?ar=\(year)&manad=\(month == 0 ? "" : String(month))",
                                         Flash(text: lines.first ?? "Sparat", lines: Array(lines.dropFirst())), context: context)
        } catch let failure as ImportFailure {
            // What was typed stays in its form; a changed row's form again when that was the one posted.
            var typed: [String: String] = [:]
            for field in form.fields { typed[field.name] = fields[field.name] ?? "" }
            var edit: (FormKind, [String: String])?
            if fields.andra != nil {
                var key: [String: String] = [:]
                for field in form.keyFields { key[field.name] = fields[field.name] ?? "" }
                edit = (form, key)
            }
            return try await formsPage(context, user: user, year: year, month: month, edit: edit, typed: (form, typed),
                                       errors: ["Raden sparades inte."] + WebWords.formErrors(failure), status: .unprocessableContent)
        }
    }

    /// Removes one stored row, keeping it in history (the import log's entry for the removal can be undone).
    func deleteRow(_ context: WorkspaceContext, kind form: FormKind) async throws -> Response {
        let user = try context.requireUser()
        let fields = try context.form(RowForm.self)
        let store = shared.store
        var key: [ColumnKey: String] = [.kommun: store.ownKommun.rawValue]
        var year = 0, month = 0
        for field in form.keyFields {
            guard let text = fields[field.name] else { throw HTTPError(.badRequest) }
            switch field.column {
            case .year:
                guard let number = Int(text), Years.valid.contains(number) else { throw HTTPError(.badRequest) }
                year = number
                key[.year] = String(number)
            case .month:
                guard let number = text.isEmpty ? 0 : Int(text), (0...12).contains(number) else { throw HTTPError(.badRequest) }
                month = number
                key[.month] = String(number)
            default: key[field.column] = text
            }
        }
        let source = fields[form == .signal ? "kalla" : "forvaltning"] ?? ""
        guard mayChange(user, form, source: source) else { throw HTTPError(.forbidden) }
        let values = key
        do {
            let entry = try await NIOThreadPool.singleton.runIfActive { try store.deleteRow(kind: form.kind, key: values, label: "\(form.fileName): borttagning") }
            let description = form.keyFields.map { "\($0.header) \(fields[$0.name] ?? "")" }.joined(separator: ", ")
            try await shared.service.audit(.formRemoval, by: context.actor, detail: "\(form.kind.rawValue): \(description) (import \(entry))")
            return await shared.seeOther("/uppgifter/formular?ar=\(year)&manad=\(month == 0 ? "" : String(month))",
                                         Flash(text: "Raden togs bort. Den finns kvar i historiken (post \(entry) i importloggen) och kan återställas av samordnaren."),
                                         context: context)
        } catch let failure as RowDeletionError {
            return try await formsPage(context, user: user, year: year, month: month, errors: [userMessage(for: failure)], status: .notFound)
        }
    }
}
