import Foundation
import Mustache
import LagesbildModel
import LagesbildStore
import LagesbildIndicators

/// Options for `lagesbild report`.
public struct ReportOptions: Sendable {
    public var year: Int
    public var kommun: KommunCode?
    /// Exact values, every page marked as internal working material.
    public var isInternal = false
    /// The group's assessment in Markdown, instead of the one stored in the workspace; nil uses the stored one, else
    /// `Reports/<år>/bedomning.md` beside the database if present.
    public var assessmentPath: String?
    /// What the checklist before publishing left open, printed under *Källor och begränsningar* (without exact
    /// figures: ``CheckItem/publicText`` of LagesbildService).
    public var openItems: [String] = []
    /// The report date (YYYY-MM-DD); nil is today.
    public var date: String?
    /// A folder with `lagesbild.mustache` and `lagesbild.css`; nil uses `Reports/` beside the database if it
    /// has them, else the shipped ones.
    public var templateDirectory: String?
    /// The program and version stated in the report ("lagesbild 0.3.0 (commit …)"); the executable sets it.
    public var producer = "lagesbild"
    /// What the cover says of the report's standing: a draft (the workspace's preview) or a publication (version,
    /// fastställande, diarienummer); nil says neither (a report written with `lagesbild report`).
    public var publication: PublicationStanding?

    public init(year: Int, kommun: KommunCode? = nil) {
        self.year = year
        self.kommun = kommun
    }
}

/// Which version of the year a published report is, and the collaboration group's fastställande.
public struct Publication: Sendable, Equatable {
    public var version: Int
    public var diarienummer: String?
    /// The day the group approved the report, ÅÅÅÅ-MM-DD.
    public var faststalld: String?

    public init(version: Int, diarienummer: String? = nil, faststalld: String? = nil) {
        self.version = version
        self.diarienummer = diarienummer
        self.faststalld = faststalld
    }

    /// The cover's line: "Version 2 · Fastställd av samverkansgruppen 2026-03-12 · Dnr KS 2026/123" (what is not
    /// recorded is left out).
    public var coverLine: String {
        (["Version \(version)"] + [faststalld.map { "Fastställd av samverkansgruppen \($0)" }, diarienummer.map { "Dnr \($0)" }].compactMap { $0 })
            .joined(separator: " · ")
    }
}

/// A report's standing, as its cover states it.
public enum PublicationStanding: Sendable, Equatable {
    /// Not published: the preview. Every printed page says so too.
    case draft
    case published(Publication)

    static let draftText = "Utkast – ej publicerad"

    var coverLine: String {
        switch self {
        case .draft: Self.draftText
        case .published(let publication): publication.coverLine
        }
    }
}

/// Why a report cannot be written, in Swedish.
public enum ReportError: Error, Equatable, UserFacingError {
    case noData(kommun: KommunCode, year: Int, yearsWithData: [Int])
    case templateUnreadable(name: String, reason: String)
    case templateMissing
    case invalidDate(String)
    case fileNotUTF8(path: String)
    case templateFolderWithoutMain(path: String)
    case assessmentMissing(path: String)
    case assessmentNotUTF8(path: String)

    public var description: String {
        switch self {
        case .noData(let kommun, let year, let years):
            "databasen har inga uppgifter för \(kommun) år \(year)"
                + (years.isEmpty ? "; läs in data med lagesbild import" : " (år med uppgifter: \(years.map(String.init).joined(separator: ", ")))")
        case .templateUnreadable(let name, let reason): "rapportmallen \(name).mustache kan inte läsas: \(reason)"
        case .templateMissing: "rapportmallen lagesbild.mustache saknas"
        case .invalidDate(let text): "--date: \"\(text)\" är inte ett datum på formen ÅÅÅÅ-MM-DD"
        case .fileNotUTF8(let path): "\(path): filen kan inte läsas som UTF-8"
        case .templateFolderWithoutMain(let path): "\(path): mappen har ingen lagesbild.mustache"
        case .assessmentMissing(let path): "\(path): bedömningen (--assessment) finns inte"
        case .assessmentNotUTF8(let path): "\(path): bedömningen kan inte läsas som UTF-8-text"
        }
    }
}

/// Builds the yearly report as one self-contained HTML file.
public struct ReportBuilder {
    public let store: Store
    public let definitions: [IndicatorDefinition]
    public let references: [ReferenceDefinition]

    public init(store: Store, definitions: [IndicatorDefinition], references: [ReferenceDefinition] = []) {
        self.store = store
        self.definitions = definitions
        self.references = references
    }

    static let recipients = ["Kommunstyrelsen", "Kommunfullmäktige", "Lokala brottsförebyggande rådet (BRÅ)"]

    public func render(_ options: ReportOptions) throws -> String {
        let kommun = options.kommun ?? store.ownKommun
        let report = try IndicatorEngine(store: store, definitions: definitions, references: references).evaluate(kommun: kommun, year: options.year)
        guard report.years.contains(options.year) else {
            throw ReportError.noData(kommun: kommun, year: options.year, yearsWithData: report.years)
        }
        let date = try options.date.map(Self.validatedDate) ?? Self.today()
        let (templates, css) = try self.templates(options)
        let texts = try store.latestGroupTexts(kommun: kommun, year: options.year)
        let assessment = try assessmentHTML(options, stored: texts[.bedomning])
        var model = ReportModel(report: report, definitions: definitions, exact: options.isInternal, demo: try store.isDemo(),
                                date: date, sources: try store.importsBehind(kommun: kommun), assessment: assessment,
                                activities: try store.activities(kommun: kommun, year: options.year))
        model.reporting = try store.reportingStatus(kommun: kommun, year: options.year)
        model.areaBoundaries = try store.areaBoundaries(kommun: kommun)
        model.areaPopulation = try store.areaPopulation(kommun: kommun, year: options.year)
        var context = model.context()
        context.groupTexts = GroupTextSections(
            report: report, texts: texts, activities: model.activities, reporting: model.reporting,
            previousReporting: try store.reportingStatus(kommun: kommun, year: options.year - 1),
            expectedMonths: Self.expectedMonths(year: options.year, reportDate: date), openItems: options.openItems, exact: options.isInternal,
            sentence: model.sentence).context()
        context.css = css
        context.producer = options.producer
        if let standing = options.publication {
            context.publicationLine = standing.coverLine
            context.hasPublicationLine = true
            context.isDraft = standing == .draft
            if context.isDraft {
                context.pageMark = context.hasPageMark ? "\(PublicationStanding.draftText) · \(context.pageMark)" : PublicationStanding.draftText
                context.hasPageMark = true
            }
        }
        var library = MustacheLibrary()
        for (name, text) in templates {
            do {
                try library.register(text, named: name)
            } catch {
                throw ReportError.templateUnreadable(name: name, reason: "\(error)")
            }
        }
        guard let html = library.render(context, withTemplate: "lagesbild") else {
            throw ReportError.templateMissing
        }
        return html
    }

    /// What the report says beside the group's *Källor och begränsningar* (who reported, which months are missing, the
    /// reference data, what masking hides) for the public report of the year, as of `date` (YYYY-MM-DD): the text's
    /// page shows the group the facts its words stand beside.
    public func sourceFacts(year: Int, date: String) throws -> [String] {
        let kommun = store.ownKommun
        let report = try IndicatorEngine(store: store, definitions: definitions, references: references).evaluate(kommun: kommun, year: year)
        return GroupTextSections(report: report, texts: [:], activities: [], reporting: try store.reportingStatus(kommun: kommun, year: year),
                                 previousReporting: try store.reportingStatus(kommun: kommun, year: year - 1),
                                 expectedMonths: Self.expectedMonths(year: year, reportDate: date), openItems: [], exact: false,
                                 sentence: { _ in "" }).sourceFacts()
    }

    package static func validatedDate(_ text: String) throws -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              DateComponents(year: year, month: month, day: day).isValidDate(in: Calendar(identifier: .gregorian)) else {
            throw ReportError.invalidDate(text)
        }
        return text
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    private var besideDatabase: URL { URL(fileURLWithPath: store.path).deletingLastPathComponent() }

    /// The report's templates (by name, without ".mustache") and stylesheet: from `--templates`, else from
    /// `Reports/` beside the database if it has `lagesbild.mustache`, else the shipped ones. A folder may
    /// replace some files only; the rest come from the shipped set.
    func templates(_ options: ReportOptions) throws -> (templates: [String: String], css: String) {
        var files = EmbeddedFiles.reports
        let folder = options.templateDirectory.map { URL(fileURLWithPath: $0) } ?? besideDatabase.appendingPathComponent("Reports")
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("lagesbild.mustache").path) {
            for name in files.keys {
                let url = folder.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                    throw ReportError.fileNotUTF8(path: url.path)
                }
                files[name] = text
            }
        } else if options.templateDirectory != nil {
            throw ReportError.templateFolderWithoutMain(path: folder.path)
        }
        var templates: [String: String] = [:]
        for (name, text) in files where name.hasSuffix(".mustache") {
            templates[String(name.dropLast(".mustache".count))] = text
        }
        // The embedded typefaces first: a folder's own stylesheet still gets them (and may name other fonts).
        return (templates, (files["fonts.css"] ?? "") + (files["lagesbild.css"] ?? ""))
    }

    /// The months a year asks of its källor as of the report's date (YYYY-MM-DD): all of a past year, the ended
    /// months of the report's own year.
    static func expectedMonths(year: Int, reportDate: String) -> [Int] {
        let parts = reportDate.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return Array(1...12) }
        return parts[0] > year ? Array(1...12) : parts[0] < year ? [] : Array(1..<parts[1])
    }

    /// The assessment as safe HTML: the file of `--assessment`, else the stored text, else `Reports/<år>/bedomning.md`
    /// beside the database. Only the text is shown, never the name of a file.
    func assessmentHTML(_ options: ReportOptions, stored: GroupText?) throws -> String? {
        let path: String
        if options.assessmentPath == nil, let stored, !stored.text.isEmpty {
            return Assessment.html(fromMarkdown: stored.text)
        }
        if let given = options.assessmentPath {
            guard FileManager.default.fileExists(atPath: given) else {
                throw ReportError.assessmentMissing(path: given)
            }
            path = given
        } else {
            let default_ = besideDatabase.appendingPathComponent("Reports/\(options.year)/bedomning.md").path
            guard FileManager.default.fileExists(atPath: default_) else { return nil }
            path = default_
        }
        guard let data = FileManager.default.contents(atPath: path), let markdown = String(data: data, encoding: .utf8) else {
            throw ReportError.assessmentNotUTF8(path: path)
        }
        return Assessment.html(fromMarkdown: markdown)
    }
}
