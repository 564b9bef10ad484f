import Foundation
import LagesbildIndicators
import LagesbildModel
import LagesbildReport
import LagesbildStore
import NIOPosix

/// Why a text cannot be saved as written, in Swedish: the section, the line and what was expected.
public enum TextError: Error, Equatable, UserFacingError {
    case tooLong(section: TextSection, length: Int)
    case problemForm(PriorityProblem.ParseError)
    case unknownIndicator(line: Int, id: String, known: [String])
    case unknownMeasure(line: Int, name: String, year: Int, suggestions: [String], planIsEmpty: Bool)
    case nothingToRestore(section: TextSection, year: Int, version: Int)

    public var description: String {
        switch self {
        case .tooLong(let section, let length):
            "\(section.title) är \(SwedishFormat.integer(length)) tecken lång; högst \(SwedishFormat.integer(TextSection.maximumLength)) tecken får plats"
        case .problemForm(let error): "Prioriterade problem, \(error.description)"
        case .unknownIndicator(let line, let id, let known):
            "Prioriterade problem, rad \(line): \"\(id)\" är ingen mätpunkt"
                + (known.isEmpty ? "" : " (mätpunkterna är \(known.joined(separator: ", ")))")
        case .unknownMeasure(let line, let name, let year, let suggestions, let planIsEmpty):
            "Prioriterade problem, rad \(line): \"\(name)\" är ingen aktivitet i aktivitetsplanen för \(year)"
                + (planIsEmpty ? "; planen har inga aktiviteter ännu"
                   : suggestions.isEmpty ? "" : " (menade ni \(suggestions.map { "\"\($0)\"" }.joined(separator: " eller "))?)")
        case .nothingToRestore(let section, let year, let version): "\(section.title) \(year) har ingen version \(version) att återställa"
        }
    }
}

/// A measurement point whose value for the year is not what it was when a text was saved.
public struct MovedFigure: Sendable, Equatable {
    public let id: String
    public let title: String
    public let before: Double?
    public let after: Double?
    public let decimals: Int

    /// "MO1-01 95 → 108", exact: for the group (samordnare and medlem) only.
    public var exactText: String {
        func text(_ value: Double?) -> String { value.map { SwedishFormat.decimal($0, decimals: decimals) } ?? "–" }
        return "\(id) \(text(before)) → \(text(after))"
    }
}

/// One item of the year's checklist before publishing; `link` is the workspace page where it is put right.
public struct CheckItem: Sendable, Equatable {
    public let title: String
    public let done: Bool
    public let detail: String
    public let link: String
    /// The item as printed under *Källor och begränsningar* while it is open: without exact figures (a published
    /// report's readers see masked values only).
    public let publicText: String
}

/// What a saved text means now: its newest version and the figures that moved since it was saved.
public struct TextState: Sendable, Equatable {
    public let section: TextSection
    public let latest: GroupText?
    public let moved: [MovedFigure]

    /// Saved, and no figure moved since.
    public var isCurrent: Bool { latest != nil && moved.isEmpty }
}

/// A line of the difference between two versions of a text.
public struct DiffLine: Sendable, Equatable {
    public enum Change: Sendable, Equatable { case same, removed, added }
    public let change: Change
    public let text: String
}

extension WorkspaceService {
    /// The year's figures by measurement point, exact, as a text records them when it is saved.
    public func figures(year: Int, sources: ReportSources) async throws -> [String: Double] {
        let store = store
        return try await NIOThreadPool.singleton.runIfActive {
            Self.figures(of: try IndicatorEngine(store: store, definitions: sources.definitions, references: sources.references)
                .evaluate(kommun: store.ownKommun, year: year))
        }
    }

    /// A computed year's figures by measurement point (a point without a value is absent): what a page that already
    /// has the year's report (the workspace computes it once per state of the data) passes to ``textStates``.
    public static func figures(of report: IndicatorReport) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: report.indicators.compactMap { result in result.value.map { (result.definition.id, $0) } })
    }

    /// The facts the report prints beside the group's *Källor och begränsningar* for the year's public report, as of
    /// today (``ReportBuilder/sourceFacts(year:date:)``).
    public func sourceFacts(year: Int, sources: ReportSources) async throws -> [String] {
        let store = store
        let today = String(SwedishTime.minute(clock()).prefix(10))
        return try await NIOThreadPool.singleton.runIfActive {
            try ReportBuilder(store: store, definitions: sources.definitions, references: sources.references).sourceFacts(year: year, date: today)
        }
    }

    /// The newest version of each of the year's texts.
    public func texts(year: Int) async throws -> [TextSection: GroupText] {
        let kommun = store.ownKommun
        return try await store.asyncRead { db in try db.latestGroupTexts(kommun: kommun, year: year) }
    }

    /// Every version of a section's text, newest first.
    public func textHistory(year: Int, section: TextSection) async throws -> [GroupText] {
        let kommun = store.ownKommun
        return try await store.asyncRead { db in try db.groupTextHistory(kommun: kommun, year: year, section: section) }
    }

    /// One saved version, or nil.
    public func text(year: Int, section: TextSection, version: Int) async throws -> GroupText? {
        let kommun = store.ownKommun
        return try await store.asyncRead { db in try db.groupText(kommun: kommun, year: year, section: section, version: version) }
    }

    /// What a text of the form may be stored as: line ends as "\n", no trailing blanks, and for the problems every
    /// problem in the form with a measurement point that exists and a measure of the year's activity plan.
    public func checkedText(_ text: String, year: Int, section: TextSection, sources: ReportSources) async throws -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard normalised.count <= TextSection.maximumLength else { throw TextError.tooLong(section: section, length: normalised.count) }
        if section == .problem {
            let problems: [PriorityProblem]
            do { problems = try PriorityProblem.parse(normalised) } catch { throw TextError.problemForm(error) }
            let known = sources.definitions.map(\.id)
            let kommun = store.ownKommun
            let activities = try await store.asyncRead { db in try db.activities(kommun: kommun, year: year).map(\.name) }
            for problem in problems {
                guard known.contains(problem.indicator) else {
                    throw TextError.unknownIndicator(line: problem.line, id: problem.indicator, known: known)
                }
                if let measure = problem.measure, !activities.contains(where: { TextKey.fold($0) == TextKey.fold(measure) }) {
                    throw TextError.unknownMeasure(line: problem.line, name: measure, year: year,
                                                   suggestions: NameRegister.nearest(to: measure, among: activities), planIsEmpty: activities.isEmpty)
                }
            }
        }
        return normalised
    }

    /// Saves a new version of a section's text if `basedOn` is still its newest version (0 for the first), recording
    /// the data it was written against; else throws ``TextConflict`` and writes nothing. The same text again saves
    /// nothing and returns the newest version with `saved` false.
    public func saveText(year: Int, section: TextSection, text: String, basedOn: Int, sources: ReportSources, by actor: Actor,
                         restoring: Int? = nil) async throws -> (text: GroupText, saved: Bool) {
        guard Years.valid.contains(year) else { throw PublishError.invalidYear(year) }
        let checked = try await checkedText(text, year: year, section: section, sources: sources)
        let kommun = store.ownKommun
        // The figures are computed outside the write (the engine reads on its own); if the data changed meanwhile,
        // they are computed again, so a text never records figures of another state than the one it names.
        for _ in 0..<3 {
            let version = try await store.asyncRead { db in try db.dataVersion() }
            let figures = try await self.figures(year: year, sources: sources)
            let now = clock()
            let outcome: (GroupText, Bool)? = try await store.asyncWrite { db in
                guard try db.dataVersion() == version else { return nil }
                if let newest = try db.groupTextHistory(kommun: kommun, year: year, section: section).first,
                   newest.version == basedOn, newest.text == checked, restoring == nil {
                    return (newest, false)
                }
                let saved = try db.insertGroupText(kommun: kommun, year: year, section: section, text: checked, basedOn: basedOn, by: actor.name,
                                                   at: now, dataVersion: version, figures: figures, restoredFrom: restoring)
                let what = restoring.map { "återställd från version \($0)" } ?? "sparad"
                try db.audit(user: actor.name, address: actor.address, action: AuditAction.text.rawValue,
                             detail: "\(section.title) \(year), version \(saved.version) \(what)", at: now)
                return (saved, true)
            }
            if let outcome { return (text: outcome.0, saved: outcome.1) }
        }
        throw TextStateError.dataKeptChanging
    }

    /// Makes an earlier version the newest again, as a new version that names it (nothing is removed).
    public func restoreText(year: Int, section: TextSection, version: Int, basedOn: Int, sources: ReportSources,
                            by actor: Actor) async throws -> GroupText {
        guard let old = try await text(year: year, section: section, version: version) else {
            throw TextError.nothingToRestore(section: section, year: year, version: version)
        }
        return try await saveText(year: year, section: section, text: old.text, basedOn: basedOn, sources: sources, by: actor,
                                  restoring: version).text
    }

    /// The measurement points whose value for the year differs from what `text` was saved against, in the order of
    /// the definitions.
    public static func movedFigures(since text: GroupText, now figures: [String: Double], definitions: [IndicatorDefinition]) -> [MovedFigure] {
        definitions.compactMap { definition in
            let before = text.figures[definition.id], after = figures[definition.id]
            guard before != after else { return nil }
            return MovedFigure(id: definition.id, title: definition.title, before: before, after: after, decimals: definition.decimals)
        }
    }

    /// Each section's newest text and what moved since it was saved.
    /// `figures` are the year's as they are now, if the caller has them (else they are computed).
    public func textStates(year: Int, sources: ReportSources, figures known: [String: Double]? = nil) async throws -> [TextState] {
        let texts = try await texts(year: year)
        var now = known ?? [:]
        if known == nil { now = try await figures(year: year, sources: sources) }
        return TextSection.allCases.map { section in
            let latest = texts[section]
            return TextState(section: section, latest: latest,
                             moved: latest.map { Self.movedFigures(since: $0, now: now, definitions: sources.definitions) } ?? [])
        }
    }

    /// The lines of `new` against `old`, in order: kept, removed and added lines (Swift's own `difference(from:)`).
    public static func diff(from old: String, to new: String) -> [DiffLine] {
        let before = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let after = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let difference = after.difference(from: before).inferringMoves()
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var lines: [DiffLine] = []
        var oldIndex = 0, newIndex = 0
        while oldIndex < before.count || newIndex < after.count {
            if oldIndex < before.count && removed.contains(oldIndex) {
                lines.append(DiffLine(change: .removed, text: before[oldIndex])); oldIndex += 1
            } else if newIndex < after.count && inserted.contains(newIndex) {
                lines.append(DiffLine(change: .added, text: after[newIndex])); newIndex += 1
            } else {
                if newIndex < after.count { lines.append(DiffLine(change: .same, text: after[newIndex])) }
                oldIndex += 1; newIndex += 1
            }
        }
        return lines
    }
}

/// A save that could not settle on one state of the data.
public enum TextStateError: Error, Equatable, UserFacingError {
    case dataKeptChanging

    public var description: String {
        switch self {
        case .dataKeptChanging: "uppgifterna ändrades hela tiden medan texten sparades; försök igen om en stund"
        }
    }
}
