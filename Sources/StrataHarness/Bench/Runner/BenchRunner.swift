import Foundation
import StrataBackends
import StrataStore

/// Runs the chosen workloads on every backend × mode × thread count, with
/// repeats, and collects one ``Report/Result`` per combination.
///
/// One store per backend and mode serves the whole suite: every run works in
/// a namespace of its own (a column family, collection or tracker namespace),
/// and datasets are loaded once and shared by the workloads that only read
/// them, as db_bench runs its benchmarks in sequence over one database.
public struct BenchRunner: Sendable {
    public let options: BenchOptions
    let progress: StressProgress

    public init(options: BenchOptions) {
        self.options = options
        progress = StressProgress(enabled: options.showProgress)
    }

    /// Runs everything and returns the report.
    /// - Throws: `HarnessError` for a workload file that cannot be read or a target that cannot start.
    public func run() throws -> Report {
        try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
        let workloads = try WorkloadCatalog.select(options)
        let calibration = Calibration.measure()
        var results: [Report.Result] = []
        for backend in options.backends {
            for mode in options.modes {
                results += try runTarget(backend: backend, mode: mode, workloads: workloads)
            }
        }
        for reference in options.references {
            results += try ReferenceRunner.run(reference, options: options, progress: progress)
        }
        var versions: [String: String] = [:]
        for d in StoreRegistry.standard.descriptors where options.backends.contains(d.name) {
            versions[d.name] = d.version()
        }
        for reference in options.references { versions[reference] = ReferenceRunner.version(reference) }
        var report = Report(
            id: URL(fileURLWithPath: options.outDirectory).lastPathComponent, created: iso8601(),
            environment: .probe(backends: versions), config: config(workloads), results: results)
        report.calibration = calibration
        return report
    }

    func config(_ workloads: [any Workload]) -> Report.Config {
        var extra: [String: String] = [
            "suites": options.suites.map(\.rawValue).joined(separator: ","),
            "workloads": workloads.map { "\($0.suite.rawValue)/\($0.name)" }.joined(separator: ","),
            "backends": options.backends.joined(separator: ","),
            "modes": options.modes.map(\.rawValue).joined(separator: ","),
            "documents": String(options.documents), "objects": String(options.objects),
            "key_size": String(options.keySize), "batch_size": String(options.batchSize),
            "warmup_s": String(options.warmupSeconds),
        ]
        if let ops = options.ops { extra["ops"] = String(ops) }
        if let seconds = options.seconds { extra["seconds"] = String(seconds) }
        if let rate = options.targetRate { extra["target_rate"] = String(rate) }
        if !options.references.isEmpty { extra["references"] = options.references.joined(separator: ",") }
        for (k, v) in options.ycsbOverrides { extra["ycsb." + k] = v }
        for (k, v) in options.tuning { extra["tuning." + k] = v }
        return Report.Config(
            records: options.records, valueSize: options.valueSize, threads: options.threads, repeats: options.repeats,
            sync: options.sync, seed: options.seed, options: extra)
    }

    func runTarget(backend: String, mode: BenchMode, workloads: [any Workload]) throws -> [Report.Result] {
        let path = options.outDirectory + "/data/\(backend)-\(mode.rawValue)"
        try? FileManager.default.removeItem(atPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let target: any BenchTarget
        switch mode {
        case .embedded:
            target = try EmbeddedTarget(backend: backend, path: path, sync: options.sync, tuning: options.tuning)
        case .tcp:
            target = try RemoteTarget(
                executable: options.executable, backend: backend, path: path, sync: options.sync,
                log: options.outDirectory + "/server-\(backend).log")
        }
        var datasets = DatasetCache()
        var results: [Report.Result] = []
        var failure: (any Error)?
        do {
            for workload in workloads {
                for threads in workload.fixedThreads.map({ [$0] }) ?? options.threads {
                    results.append(
                        try measure(workload, threads: threads, on: target, datasets: &datasets))
                }
            }
        } catch { failure = error }
        do { try target.close() } catch { if failure == nil { failure = error } }
        if let failure { throw HarnessError("\(backend) \(mode.rawValue): \(failure)") }
        return results
    }

    /// Runs one workload at one thread count `repeats` times and merges the repeats.
    func measure(
        _ workload: any Workload, threads: Int, on target: any BenchTarget, datasets: inout DatasetCache
    ) throws -> Report.Result {
        let label = "\(target.backend) \(target.mode.rawValue) \(workload.suite.rawValue)/\(workload.name) t\(threads)"
        var recorder: OperationRecorder?
        var timeline: [Int] = []
        var throughputs: [Double] = []
        var seconds = 0.0
        var cpu = ProcessProbe.Sample(cpuUser: 0, cpuSystem: 0, bytesWritten: 0)
        var serverCPU = cpu
        var peakClient: UInt64 = 0
        var peakServer: UInt64 = 0
        var disk: UInt64 = 0
        let seed = mix(options.seed, fnv1a(workload.suite.rawValue + "/" + workload.name))
        for repeatIndex in 0..<options.repeats {
            let namespace: String
            if let dataset = workload.dataset {
                namespace = try datasets.namespace(
                    for: dataset, target: target, options: options, seed: seed, progress: progress)
            } else {
                namespace = datasets.freshName(workload.name)
            }
            let probe = RunContext(target: target, options: options, threads: threads, namespace: namespace, seed: seed, ops: 0)
            let planned = options.ops ?? workload.plannedOps(probe)
            let context = RunContext(
                target: target, options: options, threads: threads, namespace: namespace, seed: seed, ops: planned)
            let bound: PhaseBound =
                workload.runsToCompletion ? .ops(planned) : options.seconds.map(PhaseBound.seconds) ?? .ops(planned)
            if case .ops(let n) = bound {
                progress.begin("\(label) repeat \(repeatIndex + 1)/\(options.repeats)", total: n)
            } else {
                progress.begin("\(label) repeat \(repeatIndex + 1)/\(options.repeats)")
            }
            let client = ProcessProbe(pid: nil)
            let server = target.serverPID.map { ProcessProbe(pid: $0) }
            client.resetPeak()
            server?.resetPeak()
            let before = (client.sample(), server?.sample())
            let outcome = try Phase.run(
                workload, context, threads: threads, bound: bound, targetRate: options.targetRate,
                warmupSeconds: options.warmupSeconds, progress: progress.enabled ? progress : nil)
            try workload.finish(context)
            let after = (client.sample(), server?.sample())
            cpu = add(cpu, after.0 - before.0)
            if let a = after.1, let b = before.1 { serverCPU = add(serverCPU, a - b) }
            peakClient = max(peakClient, client.peakRSS())
            peakServer = max(peakServer, server?.peakRSS() ?? 0)
            disk = diskUsage(of: target.dataPath)
            throughputs.append(outcome.seconds > 0 ? Double(outcome.recorder.totalOps) / outcome.seconds : 0)
            seconds += outcome.seconds
            if recorder == nil {
                recorder = outcome.recorder
                timeline = outcome.recorder.timeline(seconds: outcome.seconds)
            } else {
                recorder!.merge(outcome.recorder)
            }
            if workload.dataset == nil {
                if let produced = workload.producesDataset, repeatIndex == options.repeats - 1,
                    datasets.adopt(produced, namespace: namespace)
                {
                } else {
                    try target.dropKVOrCollection(namespace, suite: workload.suite)
                }
            }
            if workload.consumesDataset, let dataset = workload.dataset {
                try datasets.discard(dataset, target: target)
            }
            progress.end()
        }
        let r = recorder!
        let total = add(cpu, serverCPU)
        let result = Report.Result(
            suite: workload.suite.rawValue, workload: workload.name, backend: target.backend,
            mode: target.mode.rawValue, threads: threads, ops: r.totalOps, errors: r.totalErrors,
            durationSeconds: seconds, throughput: median(throughputs), latencyMicros: Report.Latency(nanoseconds: r.overall),
            cpuUserSeconds: total.cpuUser, cpuSystemSeconds: total.cpuSystem,
            peakRSSBytes: peakClient + peakServer, diskBytes: disk, bytesWritten: total.bytesWritten,
            repeats: throughputs)
        var full = result
        full.operations = r.names.indices.map { i in
            Report.Operation(
                name: r.names[i], ops: Int(r.histograms[i].totalCount), errors: r.errors[i],
                latencyMicros: Report.Latency(nanoseconds: r.histograms[i]))
        }
        full.timeline = timeline
        full.latencyCurve = Report.CurvePoint.curve(r.overall)
        full.targetRate = options.targetRate
        if !r.firstErrors.isEmpty { full.errorSamples = r.firstErrors }
        if let stats = options.allocatorStats?() {
            full.allocator = Report.AllocatorFigures(allocatedBytes: stats.allocated, residentBytes: stats.resident)
        }
        if target.serverPID != nil {
            full.server = Report.ServerFigures(
                cpuUserSeconds: serverCPU.cpuUser, cpuSystemSeconds: serverCPU.cpuSystem, peakRSSBytes: peakServer,
                bytesWritten: serverCPU.bytesWritten)
        }
        if options.showProgress {
            FileHandle.standardError.write(
                Data("\(label): \(Int(full.throughput)) ops/s, p99 \(String(format: "%.1f", full.latencyMicros.p99)) µs\(full.errors > 0 ? ", \(full.errors) errors" : "")\n".utf8))
        }
        return full
    }

    private func add(_ a: ProcessProbe.Sample, _ b: ProcessProbe.Sample) -> ProcessProbe.Sample {
        .init(cpuUser: a.cpuUser + b.cpuUser, cpuSystem: a.cpuSystem + b.cpuSystem, bytesWritten: a.bytesWritten + b.bytesWritten)
    }
}

/// The median of a non-empty list (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Loaded datasets of one target, by dataset id.
struct DatasetCache {
    private var loaded: [String: String] = [:]
    private var counter = 0

    mutating func freshName(_ base: String) -> String {
        counter += 1
        return "bench-\(base)-\(counter)"
    }

    mutating func namespace(
        for dataset: any Dataset, target: any BenchTarget, options: BenchOptions, seed: UInt64, progress: StressProgress
    ) throws -> String {
        if let ns = loaded[dataset.id] { return ns }
        let ns = freshName(dataset.id.split(separator: ":").first.map(String.init) ?? "data")
        progress.begin("loading \(dataset.id) into \(target.backend) \(target.mode.rawValue)")
        try dataset.load(
            RunContext(target: target, options: options, threads: 1, namespace: ns, seed: dataset.seed(options), ops: 0))
        loaded[dataset.id] = ns
        return ns
    }

    /// Keeps `namespace` as `dataset` when none is loaded yet; false when one is.
    mutating func adopt(_ dataset: any Dataset, namespace: String) -> Bool {
        guard loaded[dataset.id] == nil else { return false }
        loaded[dataset.id] = namespace
        return true
    }

    mutating func discard(_ dataset: any Dataset, target: any BenchTarget) throws {
        guard let ns = loaded.removeValue(forKey: dataset.id) else { return }
        try target.dropKVOrCollection(ns, suite: dataset.suite)
    }
}

extension Dataset {
    /// The suite whose namespaces the dataset lives in (from its id's prefix).
    var suite: Suite { Suite(rawValue: String(id.split(separator: ":").first ?? "")) ?? .store }
}

extension BenchTarget {
    /// Removes a run's namespace: a column family, or a collection for the document suite.
    /// Tracker namespaces stay (the tracker has no namespace drop); each run uses a new one.
    func dropKVOrCollection(_ namespace: String, suite: Suite) throws {
        switch suite {
        case .store, .ycsb: try dropKV(namespace)
        case .document: try documents().dropCollection(namespace)
        case .spatial: break
        }
    }
}
