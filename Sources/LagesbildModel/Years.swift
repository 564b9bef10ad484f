/// The years lagesbild accepts, in files and on the command line: one range for every reader, option and message.
/// (The tables' CHECK constraints hold the same bounds in the frozen migrations.)
public enum Years {
    public static let valid: ClosedRange<Int> = 1990...2100

    /// "mellan 1990 och 2100", for messages.
    public static var validInSwedish: String { "mellan \(valid.lowerBound) och \(valid.upperBound)" }
}
