import Foundation
import StrataHarness
import Testing

@Suite("Report schema")
struct ReportTests {
    static func sample() -> Report {
        Report(
            id: "20261122T000000Z",
            created: "2026-11-22T00:00:00Z",
            environment: .init(cpus: 2, cpuModel: "cpu", memoryBytes: 1 << 30, os: "Debian", kernel: "6", swift: "6.3+", gitCommit: "abc", backends: ["trie": "format 1"]),
            config: .init(records: 10, valueSize: 100, threads: [1], repeats: 1, sync: false, seed: 1),
            results: [.init(suite: "store", workload: "readrandom", backend: "trie", mode: "embedded", threads: 1, ops: 10, errors: 0, durationSeconds: 1, throughput: 10, latencyMicros: .zero, cpuUserSeconds: 0, cpuSystemSeconds: 0, peakRSSBytes: 0, diskBytes: 0, bytesWritten: 0, repeats: [10])],
            checks: [.init(name: "lost-update", backend: "trie", passed: true, detail: "ok")]
        )
    }

    @Test func jsonUsesTheDocumentedFieldNames() throws {
        let json = try JSONSerialization.jsonObject(with: ReportJSON.encode(Self.sample())) as! [String: Any]
        #expect(json["schema"] as? String == "strata-report/1")
        for key in ["id", "created", "environment", "config", "results", "checks"] { #expect(json[key] != nil, "missing \(key)") }
        let env = json["environment"] as! [String: Any]
        for key in ["cpus", "memory_bytes", "os", "swift", "git_commit", "backends"] { #expect(env[key] != nil, "missing environment.\(key)") }
        let config = json["config"] as! [String: Any]
        for key in ["records", "value_size", "threads", "repeats", "sync"] { #expect(config[key] != nil, "missing config.\(key)") }
        let result = (json["results"] as! [[String: Any]])[0]
        for key in ["suite", "workload", "backend", "mode", "threads", "ops", "errors", "duration_s", "throughput_ops_s", "latency_us", "cpu_user_s", "cpu_sys_s", "peak_rss_bytes", "disk_bytes", "bytes_written", "repeats"] {
            #expect(result[key] != nil, "missing results[].\(key)")
        }
        let latency = result["latency_us"] as! [String: Any]
        for key in ["mean", "p50", "p90", "p99", "p999", "max"] { #expect(latency[key] != nil, "missing latency_us.\(key)") }
        let check = (json["checks"] as! [[String: Any]])[0]
        for key in ["name", "backend", "passed", "detail"] { #expect(check[key] != nil, "missing checks[].\(key)") }
    }

    @Test func roundTripsAndRefusesOtherSchemas() throws {
        let data = try ReportJSON.encode(Self.sample())
        #expect(try ReportJSON.decode(data) == Self.sample())
        var other = Self.sample()
        other.schema = "something/2"
        #expect(throws: HarnessError.self) { try ReportJSON.decode(try ReportJSON.encode(other)) }
    }

    /// The allocator is written when known, and a report written before it
    /// was recorded still reads (without one).
    @Test func recordsTheAllocatorAndReadsReportsWithoutIt() throws {
        var report = Self.sample()
        report.environment.allocator = "jemalloc 5.3.0"
        let json = try JSONSerialization.jsonObject(with: ReportJSON.encode(report)) as! [String: Any]
        #expect((json["environment"] as! [String: Any])["allocator"] as? String == "jemalloc 5.3.0")
        #expect(try ReportJSON.decode(try ReportJSON.encode(report)).environment.allocator == "jemalloc 5.3.0")
        #expect(MarkdownReport.render(report).contains("jemalloc 5.3.0"))

        var old = json
        var env = old["environment"] as! [String: Any]
        env["allocator"] = nil
        old["environment"] = env
        let decoded = try ReportJSON.decode(try JSONSerialization.data(withJSONObject: old))
        #expect(decoded.environment.allocator == nil)
    }

    /// This test process is not linked with jemalloc (only the `strata`
    /// executable is, by the `Jemalloc` trait), so the probe names glibc.
    @Test func probeNamesTheProcessAllocator() {
        let name = Report.Environment.probe(backends: [:]).allocator ?? ""
        #expect(name.hasPrefix("glibc 2."), "allocator \(name)")
    }
}
