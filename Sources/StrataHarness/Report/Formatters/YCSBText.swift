import Foundation

/// `ycsb.txt`: every result in YCSB's own output format, for tools that parse
/// YCSB. Each result is a block headed by a `#` line naming it (YCSB's parsers
/// skip lines that do not start with `[`), then
///
/// ```
/// [OVERALL], RunTime(ms), 1000
/// [OVERALL], Throughput(ops/sec), 9876.5
/// [READ], Operations, 4950
/// [READ], AverageLatency(us), 12.3
/// [READ], MinLatency(us), 4
/// [READ], MaxLatency(us), 950
/// [READ], 95thPercentileLatency(us), 20
/// [READ], 99thPercentileLatency(us), 41
/// [READ], Return=OK, 4950
/// ```
public enum YCSBText {
    public static func render(_ report: Report) -> String {
        var out = ""
        for r in report.results {
            out += "# strata \(r.suite)/\(r.workload) backend=\(r.backend) mode=\(r.mode) threads=\(r.threads)\n"
            out += "[OVERALL], RunTime(ms), \(Int((r.durationSeconds * 1000).rounded()))\n"
            out += "[OVERALL], Throughput(ops/sec), \(format(r.throughput))\n"
            let operations = r.operations ?? [Report.Operation(name: r.workload, ops: r.ops, errors: r.errors, latencyMicros: r.latencyMicros)]
            for o in operations where o.ops + o.errors > 0 {
                let name = "[" + o.name.uppercased() + "]"
                let l = o.latencyMicros
                out += "\(name), Operations, \(o.ops)\n"
                out += "\(name), AverageLatency(us), \(format(l.mean))\n"
                out += "\(name), MinLatency(us), \(Int((l.min ?? 0).rounded()))\n"
                out += "\(name), MaxLatency(us), \(Int(l.max.rounded()))\n"
                out += "\(name), 95thPercentileLatency(us), \(Int((l.p95 ?? l.p90).rounded()))\n"
                out += "\(name), 99thPercentileLatency(us), \(Int(l.p99.rounded()))\n"
                out += "\(name), Return=OK, \(o.ops)\n"
                if o.errors > 0 { out += "\(name), Return=ERROR, \(o.errors)\n" }
            }
            out += "\n"
        }
        return out
    }

    static func format(_ v: Double) -> String { String(format: "%.3f", v) }
}
