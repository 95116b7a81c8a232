/// `report.md`: tables ready to paste into a pull request. One table per
/// suite (workloads × backend/mode, throughput with the fastest in bold and
/// each cell's ratio to it), then latency, resources, the tcp/embedded and
/// db_bench ratios, and the per-operation breakdown of mixed workloads.
public enum MarkdownReport {
    public static func render(_ report: Report) -> String {
        let s = ReportSummary(report: report)
        let env = report.environment
        var out = "# Strata benchmark \(report.id)\n\n"
        out += "\(report.created) · \(env.cpus) × \(env.cpuModel) · \(humanBytes(env.memoryBytes)) · \(env.os) (kernel \(env.kernel)) · Swift \(env.swift)\(env.allocator.map { " · \($0)" } ?? "") · commit `\(env.gitCommit)`\n\n"
        out += "Backends: " + env.backends.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let c = report.config
        out += "  \nConfig: \(c.records) records, \(c.valueSize) B values, threads \(c.threads.map(String.init).joined(separator: ",")), \(c.repeats) repeat(s), sync \(c.sync ? "on" : "off"), seed \(c.seed)"
        if let cal = report.calibration {
            out += "  \nHarness overhead: \(String(format: "%.1f", cal.overheadNanosPerOp)) ns per operation (no-op calibration)"
        }
        out += "\n\n"
        let targets = s.targets
        for suite in s.suites {
            out += "## \(suite) — throughput (ops/s)\n\n"
            out += "| workload | threads | " + targets.joined(separator: " | ") + " |\n"
            out += "|---|---:|" + targets.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for row in s.rows(suite) {
                let cells = targets.map { s.result(suite, row.workload, row.threads, $0) }
                let best = cells.compactMap { $0?.throughput }.max() ?? 0
                out += "| \(row.workload) | \(row.threads) | "
                out += cells.map { r in
                    guard let r else { return "–" }
                    let text = humanRate(r.throughput) + (r.errors > 0 ? " ⚠\(r.errors)" : "")
                    if r.throughput == best && best > 0 { return "**\(text)**" }
                    return best > 0 ? "\(text) (\(String(format: "%.2f", r.throughput / best))×)" : text
                }.joined(separator: " | ") + " |\n"
            }
            out += "\n### \(suite) — latency p50 / p99 / max\n\n"
            out += "| workload | threads | " + targets.joined(separator: " | ") + " |\n"
            out += "|---|---:|" + targets.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for row in s.rows(suite) {
                out += "| \(row.workload) | \(row.threads) | "
                out += targets.map { t in
                    guard let r = s.result(suite, row.workload, row.threads, t) else { return "–" }
                    let l = r.latencyMicros
                    return "\(micros(l.p50)) / \(micros(l.p99)) / \(micros(l.max))"
                }.joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }
        let tcp = s.tcpRatios
        if !tcp.isEmpty {
            out += "## tcp / embedded\n\nMedian over the workloads run in both modes of the throughput over loopback divided by in-process.\n\n| backend | tcp / embedded | workloads |\n|---|---:|---:|\n"
            for r in tcp { out += "| \(r.backend) | \(String(format: "%.2f", r.ratio)) | \(r.workloads) |\n" }
            out += "\n"
        }
        let refs = s.referenceRatios
        if !refs.isEmpty {
            out += "## RocksDB backend / db_bench\n\nThroughput of the RocksDB backend (embedded) divided by db_bench's on the same workload.\n\n| workload | threads | ratio |\n|---|---:|---:|\n"
            for r in refs { out += "| \(r.workload) | \(r.threads) | \(String(format: "%.2f", r.ratio)) |\n" }
            out += "\n"
        }
        out += "## Resources\n\n| suite/workload | backend | mode | threads | CPU user+sys | peak RSS | on disk | written | errors |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n"
        for r in report.results where r.mode != "reference" {
            out += "| \(r.suite)/\(r.workload) | \(r.backend) | \(r.mode) | \(r.threads) | \(String(format: "%.2f s", r.cpuUserSeconds + r.cpuSystemSeconds)) | \(humanBytes(r.peakRSSBytes))\(r.allocator.map { " (jemalloc \(humanBytes($0.allocatedBytes)) allocated)" } ?? "") | \(humanBytes(r.diskBytes)) | \(humanBytes(r.bytesWritten)) | \(r.errors) |\n"
        }
        let multi = report.results.filter { ($0.operations?.count ?? 0) > 1 }
        if !multi.isEmpty {
            out += "\n## Operations within workloads (p50 / p99)\n\n"
            for r in multi {
                out += "<details><summary>\(r.suite)/\(r.workload) · \(r.backend) \(r.mode) · \(r.threads) thread(s)</summary>\n\n| operation | ops | errors | p50 | p99 |\n|---|---:|---:|---:|---:|\n"
                for o in r.operations ?? [] {
                    out += "| \(o.name) | \(o.ops) | \(o.errors) | \(micros(o.latencyMicros.p50)) | \(micros(o.latencyMicros.p99)) |\n"
                }
                out += "\n</details>\n"
            }
        }
        let errored = report.results.filter { $0.errorSamples != nil }
        if !errored.isEmpty {
            out += "\n## Errors\n\n"
            for r in errored {
                out += "- \(r.suite)/\(r.workload) \(r.backend) \(r.mode): \(r.errors) — \((r.errorSamples ?? []).joined(separator: "; "))\n"
            }
        }
        return out
    }
}
