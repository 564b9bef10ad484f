import Foundation
import PackagePlugin

/// Compiles the package's shipped data files into the target that reads them, at build time: the reference
/// register and the municipality boundaries (`Reference/*.csv`, `*.geojson`) into LagesbildModel, the indicator definitions (`Indicators/*.yaml`) into
/// LagesbildIndicators, the report template and stylesheet (`Reports/`) into LagesbildReport, the workspace's pages
/// (`Web/`) into LagesbildWeb. The binary then
/// runs wherever it is copied, and no generated source is kept in the repository.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let sources: [(table: String, folder: String, extensions: Set<String>)]
        switch target.name {
        case "LagesbildModel": sources = [("reference", "Reference", ["csv", "geojson"])]
        case "LagesbildIndicators": sources = [("indicators", "Indicators", ["yaml"])]
        case "LagesbildReport": sources = [("reports", "Reports", ["mustache", "css"])]
        case "LagesbildWeb": sources = [("web", "Web", ["mustache", "css"])]
        case "lagesbild": return [try buildInfo(context: context)]
        default: return []
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        var arguments = [output.path]
        var inputs: [URL] = []
        for source in sources {
            arguments.append("--table=\(source.table)")
            let folder = context.package.directoryURL.appending(path: source.folder)
            let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { source.extensions.contains($0.pathExtension) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
            for file in files {
                arguments.append(file.path)
                inputs.append(file)
            }
        }
        return [.buildCommand(displayName: "Bäddar in \(sources.map(\.folder).joined(separator: ", ")) i \(target.name)",
                              executable: try context.tool(named: "EmbedResourcesTool").url,
                              arguments: arguments, inputFiles: inputs, outputFiles: [output])]
    }

    /// `lagesbild --version`: the version in VERSION and the commit the source was checked out at (read from .git
    /// without running git; "okänd" outside a checkout).
    func buildInfo(context: PluginContext) throws -> Command {
        let root = context.package.directoryURL
        let versionFile = root.appending(path: "VERSION")
        let version = (try? String(contentsOf: versionFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0"
        var inputs = [versionFile]
        var commit = "okänd"
        var gitDirectory = root.appending(path: ".git")
        if let pointer = try? String(contentsOf: gitDirectory, encoding: .utf8), pointer.hasPrefix("gitdir: ") {
            gitDirectory = URL(fileURLWithPath: pointer.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: root)
        }
        let head = gitDirectory.appending(path: "HEAD")
        if let text = try? String(contentsOf: head, encoding: .utf8) {
            inputs.append(head)
            let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("ref: ") {
                let reference = String(line.dropFirst(5))
                let file = gitDirectory.appending(path: reference)
                if let value = try? String(contentsOf: file, encoding: .utf8) {
                    inputs.append(file)
                    commit = value.trimmingCharacters(in: .whitespacesAndNewlines)
                } else if let packed = try? String(contentsOf: gitDirectory.appending(path: "packed-refs"), encoding: .utf8),
                          let entry = packed.split(separator: "\n").first(where: { $0.hasSuffix(" " + reference) }) {
                    commit = String(entry.prefix(40))
                }
            } else {
                commit = line
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        return .buildCommand(displayName: "Version \(version) (\(commit.prefix(12)))", executable: try context.tool(named: "EmbedResourcesTool").url,
                             arguments: [output.path, "--build-info", version, String(commit.prefix(40))], inputFiles: inputs, outputFiles: [output])
    }
}
