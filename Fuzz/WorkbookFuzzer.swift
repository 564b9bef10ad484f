// libFuzzer target for the workbook path's own code: libxml2 in pull mode with lagesbild's SAX handler
// (no DTD, no entities) and the mapping of cells to records, then the row validator, on arbitrary bytes
// taken as a sheet's XML. The zip layer is ZIPFoundation's; its limits are tested by the hostile corpus.
// Built by scripts/fuzz workbook.
import Foundation
import LagesbildModel
import LagesbildStore

final class FuzzContext: SheetContext {
    let file = "fuzz.xlsx"
    let stringBytes = Array("årkategoriantalKlotter2024".utf8)
    let stringRanges = [0..<3, 3..<11, 11..<16, 16..<23, 23..<27]
    let dateStyles = [false, true]
    let date1904 = false
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    var validator: RecordValidator?
    var row: [BindValue] = []
    var errors: [ImportError] = []
    let reader = SheetReader(workbook: FuzzContext(), sheet: "Blad1", numberUses: { $0.map { _ in .text } }) { record in
        guard let validator else {
            if let mapping = HeaderMapping.resolve(record.strings, file: "fuzz.xlsx", line: record.line, forcedKind: nil).mapping {
                validator = RecordValidator(mapping: mapping, file: "fuzz.xlsx", defaultKommun: KommunCode("2313")!)
                row = Array(repeating: .null, count: mapping.kind.columns.count)
            }
            return
        }
        _ = validator.validate(record, into: &row, errors: &errors)
        validator.endRow()
        for error in errors { _ = error.description }
        errors.removeAll()
    }
    do {
        try XMLStream.parse(handler: reader) { queue in try queue.put(data) }
    } catch {
        _ = "\(error)"
    }
    reader.emit = nil
    return 0
}
