/// The stress report as a Markdown table: one row per check and backend.
public enum StressMarkdown {
    public static func render(_ report: Report) -> String {
        var out = "# Stress report \(report.id)\n\n"
        out +=
            "\(report.config.records) records × \(report.config.valueSize) B, \(report.config.threads.first ?? 0) threads, seed \(report.config.seed)"
        if let fault = report.config.options["inject"] { out += ", injected fault `\(fault)`" }
        out +=
            "; \(report.environment.cpus) CPUs, \(report.environment.os)\(report.environment.allocator.map { ", \($0)" } ?? ""), commit \(report.environment.gitCommit).\n\n"
        out += "| check | backend | result | detail | rate |\n|---|---|---|---|---|\n"
        for c in report.checks {
            let detail = c.detail.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            out += "| \(c.name) | \(c.backend) | \(c.passed ? "pass" : "**FAIL**") | \(detail) | \(rate(c)) |\n"
        }
        let failed = report.checks.filter { !$0.passed }.count
        out += "\n\(report.checks.count - failed) of \(report.checks.count) checks passed.\n"
        return out
    }

    /// The check's headline rate, e.g. `41,000 writes/s, 95,000 verified/s`.
    static func rate(_ c: Report.Check) -> String {
        let names: [(String, String)] = [
            ("write_records_per_s", "written/s"), ("verify_records_per_s", "verified/s"),
            ("scan_records_per_s", "scanned/s"),
            ("commits_per_s", "commits/s"), ("snapshots_per_s", "snapshots/s"), ("reads_per_s", "reads/s"),
            ("scans_per_s", "scans/s"),
        ]
        var parts = names.compactMap { key, label in c.figures[key].map { "\(grouped(Int($0))) \(label)" } }
        if c.name == "crash-recovery", let lost = c.figures["lost"], let acked = c.figures["acknowledged"] {
            parts.append("\(Int(lost)) of \(Int(acked)) acked lost")
        }
        return parts.joined(separator: ", ")
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}

extension Report {
    /// Whether every check passed.
    public var allChecksPassed: Bool { checks.allSatisfy(\.passed) }
}
