import Foundation
import LagesbildModel

/// Prints a report's HTML to PDF with headless Chromium: the browser that lays out the report is the one that prints
/// it, so the PDF is exactly what "Skriv ut → Spara som PDF" gives (A4 from the report's @page rule, page numbers,
/// tagged text), with the headings as the PDF's document outline. No PDF library could lay out the HTML and its CSS;
/// Chromium is an ordinary Debian package (`chromium`).
public struct PDFPrinter: Sendable {
    public enum Failure: Error, Equatable, UserFacingError {
        case chromiumMissing
        case chromiumNotRunnable(path: String)
        case printFailed(status: Int32, output: String)
        case timedOut(seconds: Int)

        public var description: String {
            switch self {
            case .chromiumMissing:
                "--pdf behöver webbläsaren Chromium, som inte hittades: installera paketet chromium (sudo apt-get install chromium) "
                    + "eller ange programmet med --chromium SÖKVÄG. HTML-rapporten kan också skrivas ut som PDF från en webbläsare."
            case .chromiumNotRunnable(let path): "--chromium: \(path) finns inte eller är inte ett körbart program"
            case .printFailed(let status, let output):
                "Chromium kunde inte skriva ut rapporten som PDF (slutstatus \(status))" + (output.isEmpty ? "" : ": \(output)")
            case .timedOut(let seconds): "Chromium blev inte klar med PDF-utskriften på \(seconds) sekunder"
            }
        }
    }

    public let chromium: String

    /// Chromium at `explicit`, or the first of chromium, chromium-browser, google-chrome on PATH.
    public init(explicit: String?) throws {
        if let explicit {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw Failure.chromiumNotRunnable(path: explicit) }
            chromium = explicit
            return
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                chromium = "\(folder)/\(name)"
                return
            }
        }
        throw Failure.chromiumMissing
    }

    /// Prints the HTML file at `html` to `pdf` (written whole, or not at all).
    public func print(html: String, to pdf: String, timeout: Int = 180) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lagesbild-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: scratch) }
        let target = scratch.appendingPathComponent("rapport.pdf")
        var arguments = ["--headless", "--disable-gpu", "--no-pdf-header-footer", "--generate-pdf-document-outline",
                         "--user-data-dir=\(scratch.appendingPathComponent("profil").path)", "--print-to-pdf=\(target.path)"]
        // Chromium refuses to start its sandbox as root; a service account or a person's own account keeps it.
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        arguments.append(URL(fileURLWithPath: html).absoluteString)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        let collected = OutputBox()
        DispatchQueue.global().async {
            collected.data = output.fileHandleForReading.readDataToEndOfFile()
            finished.signal()
        }
        if finished.wait(timeout: .now() + .seconds(timeout)) == .timedOut {
            process.terminate()
            process.waitUntilExit()
            throw Failure.timedOut(seconds: timeout)
        }
        process.waitUntilExit()
        let printed = (try? Data(contentsOf: target)) ?? Data()
        guard process.terminationStatus == 0, printed.starts(with: Data("%PDF".utf8)) else {
            // Chromium's own chatter (D-Bus, GPU) is noise; its last line says what went wrong.
            let text = String(decoding: collected.data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw Failure.printFailed(status: process.terminationStatus, output: text)
        }
        try printed.write(to: URL(fileURLWithPath: pdf), options: .atomic)
    }

    private final class OutputBox: @unchecked Sendable {
        var data = Data()
    }
}
