import Foundation

// Writes a Swift file that holds text files as string literals, one dictionary (file name -> text) per table:
//   EmbedResourcesTool OUTPUT.swift --table=NAME FILE... [--table=NAME FILE...]
// Run by the EmbedResources build plugin; see Plugins/EmbedResources.

/// A raw multi-line string literal of `text`, with enough `#` that nothing in the text ends it.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\"" + hashes) { hashes += "#" }
    // The line break before the closing delimiter is not part of a Swift multi-line string.
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

var arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.popFirst() else {
    FileHandle.standardError.write(Data("usage: EmbedResourcesTool OUTPUT.swift --table=NAME FILE...\n".utf8))
    exit(2)
}
if arguments.first == "--build-info" {
    let values = Array(arguments.dropFirst())
    let version = values.first ?? "0", commit = values.count > 1 ? values[1] : "okänd"
    let source = "// Generated at build time by the EmbedResources plugin. Do not edit.\n\n"
        + "/// The version in VERSION and the commit this binary was built from.\n"
        + "enum BuildInfo {\n    static let version = \(literal(version))\n    static let commit = \(literal(commit))\n}\n"
    if (try? String(contentsOfFile: output, encoding: .utf8)) != source { try source.write(toFile: output, atomically: true, encoding: .utf8) }
    exit(0)
}
var tables: [(name: String, files: [String])] = []
for argument in arguments {
    if argument.hasPrefix("--table=") {
        tables.append((String(argument.dropFirst("--table=".count)), []))
    } else if !tables.isEmpty {
        tables[tables.count - 1].files.append(argument)
    }
}
var source = "// Generated at build time by the EmbedResources plugin. Do not edit.\n\n"
source += "/// Shipped data files, compiled in (a folder given at run time takes precedence where the code allows it).\n"
source += "enum EmbeddedFiles {\n"
for table in tables {
    if table.files.isEmpty {
        source += "    static let \(table.name): [String: String] = [:]\n"
        continue
    }
    source += "    static let \(table.name): [String: String] = [\n"
    for file in table.files {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        source += "        \"\((file as NSString).lastPathComponent)\": \(literal(text)),\n"
    }
    source += "    ]\n"
}
source += "}\n"
// Unchanged output keeps its timestamp, so the target is not recompiled needlessly.
if (try? String(contentsOfFile: output, encoding: .utf8)) != source {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
}
