import Foundation

/// A file's SHA-256, computed on another thread.
final class Checksum: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before it signals, read once after waiting.
    private var result: Result<String, ImportError> = .success("")

    init(path: String, displayName: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            do {
                result = .success(try TextFile.sha256(path, displayName: displayName))
            } catch let error as ImportError {
                result = .failure(error)
            } catch {
                result = .failure(ImportError(file: displayName, problem: .unreadable(reason: "\(error)")))
            }
            done.signal()
        }
    }

    func wait() throws(ImportError) -> String {
        done.wait()
        return try result.get()
    }
}
