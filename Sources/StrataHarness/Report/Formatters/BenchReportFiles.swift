import Foundation

/// Writes a benchmark run's folder: `report.json`, `report.md`, `report.html`
/// and `ycsb.txt`, and points `results/latest` at it when it sits in `results/`.
public enum BenchReportFiles {
    public static let names = ["report.json", "report.md", "report.html", "ycsb.txt"]

    /// - Throws: file-system errors.
    public static func write(_ report: Report, to directory: String, json: Bool = true) throws {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if json { try ReportJSON.encode(report).write(to: dir.appendingPathComponent("report.json")) }
        try Data(MarkdownReport.render(report).utf8).write(to: dir.appendingPathComponent("report.md"))
        try Data(HTMLReport.render(report).utf8).write(to: dir.appendingPathComponent("report.html"))
        try Data(YCSBText.render(report).utf8).write(to: dir.appendingPathComponent("ycsb.txt"))
    }

    /// Points `<parent>/latest` at `directory` when its parent is a folder named `results`.
    public static func linkLatest(_ directory: String) {
        let dir = URL(fileURLWithPath: directory).standardized
        let parent = dir.deletingLastPathComponent()
        guard parent.lastPathComponent == "results" else { return }
        let link = parent.appendingPathComponent("latest").path
        try? FileManager.default.removeItem(atPath: link)
        try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir.lastPathComponent)
    }
}
