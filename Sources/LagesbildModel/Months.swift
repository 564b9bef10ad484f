extension SwedishFormat {
    /// "januari" … "december".
    public static let monthNames = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                                    "oktober", "november", "december"]

    /// "mars 2025", or "hela 2025" for month 0 (a row for the whole year).
    public static func monthAndYear(_ month: Int, _ year: Int) -> String {
        (1...12).contains(month) ? "\(monthNames[month - 1]) \(year)" : "hela \(year)"
    }
}
