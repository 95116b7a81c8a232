/// The table `strata bench` prints when it finishes: throughput of every
/// workload per backend and mode, one line each.
public enum SummaryTable {
    public static func render(_ report: Report) -> String {
        let s = ReportSummary(report: report)
        let targets = s.targets
        let first = max(28, (report.results.map { "\($0.suite)/\($0.workload) t\($0.threads)".count }.max() ?? 0) + 2)
        var out = "workload".padding(toLength: first, withPad: " ", startingAt: 0)
        out += targets.map { $0.count >= 16 ? $0 + " " : $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined() + "\n"
        for suite in s.suites {
            for row in s.rows(suite) {
                out += "\(suite)/\(row.workload) t\(row.threads)".padding(toLength: first, withPad: " ", startingAt: 0)
                for t in targets {
                    let text = s.result(suite, row.workload, row.threads, t).map { humanRate($0.throughput) + ($0.errors > 0 ? "!" : "") } ?? "–"
                    out += text.padding(toLength: max(16, t.count + 1), withPad: " ", startingAt: 0)
                }
                out += "\n"
            }
        }
        out += "(operations per second; ! marks a result with errors)"
        return out
    }
}
