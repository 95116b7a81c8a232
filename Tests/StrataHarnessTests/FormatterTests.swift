import Foundation
import Testing

@testable import StrataHarness

@Suite("report formatters")
struct FormatterTests {
    /// A report with every suite, two backends and both modes, built by hand.
    static func report() -> Report {
        var report = sampleReport(repeats: [1000, 1100, 900], extraResult: false)
        report.results = []
        var n = 0.0
        for suite in Suite.allCases {
            for backend in ["trie", "lmdb"] {
                for mode in ["embedded", "tcp"] {
                    n += 1
                    var r = Report.Result(
                        suite: suite.rawValue, workload: suite == .ycsb ? "workloada" : "w-\(suite.rawValue)",
                        backend: backend, mode: mode, threads: 1, ops: 1000, errors: 0, durationSeconds: 1.5,
                        throughput: 1000 * n,
                        latencyMicros: .init(mean: 10, p50: 9, p90: 12, p99: 20, p999: 40, max: 90),
                        cpuUserSeconds: 1, cpuSystemSeconds: 0.5, peakRSSBytes: 1 << 20, diskBytes: 1 << 20,
                        bytesWritten: 4096, repeats: [1000 * n])
                    r.operations = [
                        .init(name: "READ", ops: 600, errors: 0, latencyMicros: .init(mean: 8, p50: 7, p90: 9, p99: 15, p999: 30, max: 60)),
                        .init(name: "UPDATE", ops: 400, errors: 2, latencyMicros: .init(mean: 12, p50: 11, p90: 14, p99: 25, p999: 40, max: 90)),
                    ]
                    r.latencyCurve = Report.CurvePoint.percentiles.map { .init(percentile: $0, micros: 5 + $0) }
                    r.timeline = [900, 1000, 1100]
                    report.results.append(r)
                }
            }
        }
        return report
    }

    @Test func htmlHasAChartPerFamilyAndNoExternalURL() {
        let html = HTMLReport.render(Self.report())
        for suite in Suite.allCases {
            #expect(html.contains("id=\"suite-\(suite.rawValue)\""))
            #expect(html.contains("aria-label=\"throughput of the \(suite.rawValue) suite\""))
        }
        #expect(!html.contains("http:") && !html.contains("https:") && !html.contains("<script"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= Suite.allCases.count * 3)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
    }

    /// Every line is a `#` comment, blank, or YCSB's `[SECTION], Metric, value`.
    @Test func ycsbTextParsesLineByLine() {
        let text = YCSBText.render(Self.report())
        var sections = Set<String>()
        var overall = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: ",", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(parts.count == 3, "\(line)")
            #expect(parts[0].hasPrefix("[") && parts[0].hasSuffix("]"), "\(line)")
            #expect(Double(parts[2]) != nil, "\(line)")
            sections.insert(parts[0])
            if parts[0] == "[OVERALL]" && parts[1] == "Throughput(ops/sec)" { overall += 1 }
        }
        #expect(overall == 16)
        #expect(sections == ["[OVERALL]", "[READ]", "[UPDATE]"])
        #expect(text.contains("[UPDATE], Return=ERROR, 2"))
        #expect(text.contains("[READ], 99thPercentileLatency(us), 15"))
    }

    @Test func markdownBoldsTheFastestAndGivesRatios() {
        let md = MarkdownReport.render(Self.report())
        #expect(md.contains("## store — throughput (ops/s)"))
        #expect(md.contains("| w-store | 1 | 1.00k (0.25×) | 2.00k (0.50×) | 3.00k (0.75×) | **4.00k** |"))
        #expect(md.contains("## tcp / embedded"))
        // trie: tcp/embedded is 2, 1.2, 1.11 and 1.08 over the four suites; the median is 1.16.
        #expect(md.contains("| trie | 1.16 | 4 |"))
    }

    @Test func referenceRowsGiveTheRocksDBRatio() {
        var report = Self.report()
        var ours = report.results[0]
        ours.backend = "rocksdb"
        ours.mode = "embedded"
        ours.throughput = 800
        var ref = ours
        ref.backend = "db_bench"
        ref.mode = "reference"
        ref.throughput = 1000
        report.results += [ours, ref]
        let ratios = ReportSummary(report: report).referenceRatios
        #expect(ratios.count == 1)
        #expect(abs(ratios[0].ratio - 0.8) < 1e-9)
    }

    @Test func dbBenchOutputIsParsed() {
        let output = """
            fillseq      :       4.434 micros/op 225491 ops/sec 0.089 seconds 20000 operations;   24.9 MB/s
            Microseconds per write:
            Count: 20000 Average: 4.4295  StdDev: 30.62
            Min: 3  Median: 3.0000  Max: 4303
            Percentiles: P50: 3.00 P75: 4.00 P99: 12.56 P99.9: 64.16 P99.99: 170.00
            readrandom   :       2.301 micros/op 434452 ops/sec 0.046 seconds 20000 operations;   48.1 MB/s (20000 of 20000 found)
            """
        let parsed = ReferenceRunner.parse(output)
        #expect(parsed.map(\.workload) == ["fillseq", "readrandom"])
        #expect(parsed[0].opsPerSecond == 225491 && parsed[0].ops == 20000)
        #expect(parsed[0].latency.p99 == 12.56 && parsed[0].latency.max == 4303 && parsed[0].latency.mean == 4.4295)
        #expect(parsed[1].latency.mean == 2.301)
    }
}
