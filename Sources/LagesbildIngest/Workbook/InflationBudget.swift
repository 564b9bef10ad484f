import Foundation

/// A count of the bytes inflated from workbooks' zip parts, against a limit: each part has limits of its own
/// (``Workbook/entryLimit``, ``Workbook/ratioLimit``), and this one caps many parts together, of one workbook
/// (``Workbook/workbookLimit``) or of all the workbooks of one import (``Workbook/importLimit``).
/// Parts are inflated on threads of their own, so the count is locked.
final class InflationBudget: @unchecked Sendable {
    let limit: UInt64
    private let lock = NSLock()
    private var spent: UInt64 = 0

    init(limit: UInt64) { self.limit = limit }

    /// Counts `bytes` more; false once the count is beyond the limit.
    func spend(_ bytes: UInt64) -> Bool {
        lock.withLock {
            spent += bytes
            return spent <= limit
        }
    }
}
