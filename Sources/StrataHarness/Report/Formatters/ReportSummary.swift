/// Groupings of a report's results that every formatter shows the same way.
struct ReportSummary {
    let report: Report

    /// `backend mode` columns in a stable order: backends as run, embedded before tcp, references last.
    var targets: [String] {
        var seen: [String] = []
        for r in report.results where !seen.contains(Self.target(r)) { seen.append(Self.target(r)) }
        return seen
    }

    static func target(_ r: Report.Result) -> String { "\(r.backend) \(r.mode)" }

    /// The suites present, in the catalog's order.
    var suites: [String] {
        Suite.allCases.map(\.rawValue).filter { s in report.results.contains { $0.suite == s } }
    }

    /// (workload, threads) rows of a suite, in run order.
    func rows(_ suite: String) -> [(workload: String, threads: Int)] {
        var rows: [(String, Int)] = []
        for r in report.results where r.suite == suite && !rows.contains(where: { $0 == (r.workload, r.threads) }) {
            rows.append((r.workload, r.threads))
        }
        return rows
    }

    func result(_ suite: String, _ workload: String, _ threads: Int, _ target: String) -> Report.Result? {
        report.results.first { $0.suite == suite && $0.workload == workload && $0.threads == threads && Self.target($0) == target }
    }

    /// Throughput over tcp divided by embedded, per backend (the median over the workloads both ran).
    var tcpRatios: [(backend: String, ratio: Double, workloads: Int)] {
        var out: [(String, Double, Int)] = []
        let backends = report.results.map(\.backend).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for b in backends {
            var ratios: [Double] = []
            for r in report.results where r.backend == b && r.mode == "tcp" {
                if let e = report.results.first(where: { $0.key == Report.ResultKey(suite: r.suite, workload: r.workload, backend: b, mode: "embedded", threads: r.threads) }),
                    e.throughput > 0
                {
                    ratios.append(r.throughput / e.throughput)
                }
            }
            if !ratios.isEmpty { out.append((b, median(ratios), ratios.count)) }
        }
        return out
    }

    /// RocksDB backend (embedded) throughput divided by db_bench's, per store workload.
    var referenceRatios: [(workload: String, threads: Int, ratio: Double)] {
        report.results.filter { $0.backend == "db_bench" }.compactMap { ref in
            guard ref.throughput > 0,
                let ours = report.results.first(where: {
                    $0.key == Report.ResultKey(suite: "store", workload: ref.workload, backend: "rocksdb", mode: "embedded", threads: ref.threads)
                })
            else { return nil }
            return (ref.workload, ref.threads, ours.throughput / ref.throughput)
        }
    }
}

/// Numbers for people: 1234567 → "1.23M", 12345 → "12.3k".
func humanRate(_ v: Double) -> String {
    switch v {
    case 1e9...: return String(format: "%.2fG", v / 1e9)
    case 1e6...: return String(format: "%.2fM", v / 1e6)
    case 1e4...: return String(format: "%.1fk", v / 1e3)
    case 1e3...: return String(format: "%.2fk", v / 1e3)
    default: return String(format: "%.0f", v)
    }
}

func humanBytes(_ v: UInt64) -> String {
    let d = Double(v)
    switch d {
    case 1_073_741_824...: return String(format: "%.2f GiB", d / 1_073_741_824)
    case 1_048_576...: return String(format: "%.1f MiB", d / 1_048_576)
    case 1024...: return String(format: "%.1f KiB", d / 1024)
    default: return "\(v) B"
    }
}

func micros(_ v: Double) -> String {
    v >= 1000 ? String(format: "%.1f ms", v / 1000) : String(format: "%.1f µs", v)
}
