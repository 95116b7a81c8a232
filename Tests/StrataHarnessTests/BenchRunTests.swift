import Foundation
import StrataBackends
import StrataStore
import Testing

@testable import StrataHarness

/// The `strata` executable built next to the tests, for `tcp` mode.
let strataBinary: String? = {
    var directory = URL(fileURLWithPath: #filePath)
    while directory.path != "/" {
        directory.deleteLastPathComponent()
        let candidate = directory.appendingPathComponent(".build/debug/strata")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
    }
    return nil
}()

@Suite("strata bench runs", .serialized)
struct BenchRunTests {
    static func options(_ dir: TemporaryDirectory, suites: [Suite], backends: [String] = ["trie"]) -> BenchOptions {
        var o = BenchOptions()
        o.suites = suites
        o.backends = backends
        o.modes = [.embedded]
        o.records = 2000
        o.documents = 300
        o.objects = 200
        o.outDirectory = dir.path + "/run"
        o.ycsbOverrides = ["recordcount": "500", "operationcount": "500"]
        o.executable = strataBinary ?? "strata"
        return o
    }

    /// The same seed gives the same operation stream on two backends; another seed does not.
    @Test(arguments: [StoreWorkload.Kind.readrandom, .fillrandom, .seekrandom])
    func theSameSeedGivesTheSameStreamOnTwoBackends(kind: StoreWorkload.Kind) throws {
        let dir = TemporaryDirectory()
        var o = BenchOptions()
        o.records = 500
        func trace(_ backend: String, seed: UInt64) throws -> [String] {
            let target = TracingTarget(try EmbeddedTarget(backend: backend, path: dir.path + "/\(backend)-\(seed)", sync: false))
            defer { try? target.close() }
            if let dataset = StoreWorkload(kind, options: o).dataset {
                try dataset.load(RunContext(target: target.base, options: o, threads: 1, namespace: "ns", seed: 1, ops: 0))
            }
            let context = RunContext(target: target, options: o, threads: 2, namespace: "ns", seed: seed, ops: 400)
            let workload = StoreWorkload(kind, options: o)
            for thread in 0..<2 {
                var worker = try workload.makeWorker(context, thread: thread)
                for i in 0..<200 { try worker.perform(worker.choose(i), i) }
            }
            return target.trace.withLock { $0 }
        }
        let trie = try trace("trie", seed: 7)
        let lmdb = try trace(StoreRegistry.standard.names.contains("lmdb") ? "lmdb" : "trie", seed: 7)
        #expect(trie.count == 400)
        #expect(trie == lmdb)
        #expect(try trace("trie", seed: 8) != trie)
    }

    @Test func aStoreRunWritesTheFourFiles() throws {
        let dir = TemporaryDirectory()
        var o = Self.options(dir, suites: [.store])
        o.repeats = 2
        let report = try BenchRunner(options: o).run()
        try BenchReportFiles.write(report, to: o.outDirectory)
        for name in BenchReportFiles.names {
            #expect(FileManager.default.fileExists(atPath: o.outDirectory + "/" + name), "missing \(name)")
        }
        #expect(report.results.count == StoreWorkload.Kind.allCases.count)
        for r in report.results {
            #expect(r.errors == 0, "\(r.workload): \(r.errorSamples ?? [])")
            #expect(r.ops > 0 && r.throughput > 0 && r.repeats.count == 2, "\(r.workload)")
            #expect(r.latencyMicros.p50 > 0 && r.latencyMicros.p50 <= r.latencyMicros.p99, "\(r.workload)")
            #expect(r.diskBytes > 0, "\(r.workload)")
        }
        // The fills write every record once per repeat.
        let fill = try #require(report.results.first { $0.workload == "fillseq" })
        #expect(fill.ops == 2 * 2000)
        let decoded = try ReportJSON.decode(try Data(contentsOf: URL(fileURLWithPath: o.outDirectory + "/report.json")))
        #expect(decoded == report)
        #expect(report.calibration != nil)
    }

    @Test func documentSpatialAndYCSBSuitesRunWithoutErrors() throws {
        let dir = TemporaryDirectory()
        let o = Self.options(dir, suites: [.document, .spatial, .ycsb])
        let report = try BenchRunner(options: o).run()
        let names = Set(report.results.map { "\($0.suite)/\($0.workload)" })
        for kind in DocumentWorkload.Kind.allCases { #expect(names.contains("document/\(kind.rawValue)")) }
        for kind in SpatialWorkload.Kind.allCases { #expect(names.contains("spatial/\(kind.rawValue)")) }
        for letter in "abcdef" {
            #expect(names.contains("ycsb/workload\(letter)"))
            #expect(names.contains("ycsb/workloada-load") && !names.contains("ycsb/workloadb-load"))
        }
        for r in report.results { #expect(r.errors == 0, "\(r.suite)/\(r.workload): \(r.errorSamples ?? [])") }
        let queries = try #require(report.results.first { $0.workload == "queries" })
        // Slate's 23 finds, then `scan_decoded` and `status_eq_decoded`.
        #expect(queries.operations?.count == 25)
        #expect(queries.operations?.allSatisfy { $0.ops > 0 } == true)
        let byID = try #require(report.results.first { $0.workload == "find_by_id" })
        #expect(byID.operations?.map(\.name) == ["find_by_id", "find_by_id_decoded"])
        #expect(byID.operations?.allSatisfy { $0.ops > 0 } == true)
        let mixed = try #require(report.results.first { $0.workload == "mixed" })
        #expect(mixed.threads == 6)
        let a = try #require(report.results.first { $0.workload == "workloada" })
        #expect(Set(a.operations?.filter { $0.ops > 0 }.map(\.name) ?? []) == ["READ", "UPDATE"])
        #expect(a.ops == 500)
    }

    @Test(.enabled(if: strataBinary != nil, "needs the strata executable (swift build)"))
    func tcpModeDrivesAServerProcess() throws {
        let dir = TemporaryDirectory()
        var o = Self.options(dir, suites: [.store])
        o.modes = [.embedded, .tcp]
        o.workloads = ["fillseq", "readrandom"]
        o.records = 500
        let report = try BenchRunner(options: o).run()
        let tcp = report.results.filter { $0.mode == "tcp" }
        #expect(tcp.count == 2)
        for r in tcp {
            #expect(r.errors == 0, "\(r.workload): \(r.errorSamples ?? [])")
            let server = try #require(r.server)
            #expect(server.cpuUserSeconds + server.cpuSystemSeconds > 0)
            #expect(server.peakRSSBytes > 0)
            #expect(r.cpuUserSeconds >= server.cpuUserSeconds)
        }
    }

    @Test func unknownWorkloadsAndBadOptionsAreRefusedByName() throws {
        let dir = TemporaryDirectory()
        var o = Self.options(dir, suites: [.store])
        o.workloads = ["readrandomm"]
        #expect { try WorkloadCatalog.select(o) } throws: { ($0 as? HarnessError)?.message.contains("readrandomm") == true }
        o = Self.options(dir, suites: [.store])
        o.keySize = 3
        #expect { try o.validate() } throws: { ($0 as? HarnessError)?.message.contains("--key-size") == true }
        o = Self.options(dir, suites: [.ycsb])
        o.ycsbOverrides = ["requestdistribution": "gaussian"]
        #expect { try WorkloadCatalog.select(o) } throws: { ($0 as? HarnessError)?.message.contains("gaussian") == true }
    }
}
