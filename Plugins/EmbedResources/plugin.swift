import Foundation
import PackagePlugin

/// Compiles the package's shipped data files into the target that reads them, at build time: the reference
/// register (`Reference/*.csv`) into LagesbildModel, the indicator definitions (`Indicators/*.yaml`) into
/// LagesbildIndicators, the report template and stylesheet (`Reports/`) into LagesbildReport, the workspace's pages
/// (`Web/`) into LagesbildWeb. The binary then
/// runs wherever it is copied, and no generated source is kept in the repository.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let sources: [(table: String, folder: String, extensions: Set<String>)]
        switch target.name {
        case "LagesbildModel": sources = [("reference", "Reference", ["csv"])]
        case "LagesbildIndicators": sources = [("indicators", "Indicators", ["yaml"])]
        case "LagesbildReport": sources = [("reports", "Reports", ["mustache", "css"])]
        case "LagesbildWeb": sources = [("web", "Web", ["mustache", "css"])]
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
}
