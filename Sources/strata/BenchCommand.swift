import ArgumentParser
import Foundation
import StrataBackends
import StrataHarness
import StrataStore

/// `strata bench`: every chosen workload on every backend × mode × thread count.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the benchmark workloads on each backend, embedded and over TCP, and write a report.",
        discussion: """
            Writes report.json, report.md, report.html and ycsb.txt to the out directory (default \
            results/<run id>, with results/latest pointing at it) and prints the summary. Repeated \
            options take several values; leaving one out means all (every suite, backend and mode). \
            Exit status 0 when every operation succeeded, 1 when some failed, 2 on bad arguments.
            """
    )

    @Option(name: .customLong("suite"), help: "A suite: store, document, spatial, ycsb (repeatable; default: all).")
    var suites: [String] = []
    @Option(name: .customLong("workload"), help: "Only this workload, by name or suite/name (repeatable).")
    var workloads: [String] = []
    @Option(name: .customLong("workload-file"), help: "A YCSB property file to run (repeatable).")
    var workloadFiles: [String] = []
    @Option(name: .customLong("ycsb"), help: "Override a YCSB property in every file, e.g. recordcount=100000 (repeatable).")
    var ycsb: [String] = []
    @Option(name: .customLong("backend"), help: "A backend (repeatable; default: every backend).")
    var backends: [String] = []
    @Option(name: .customLong("mode"), help: "embedded or tcp (repeatable; default: both).")
    var modes: [String] = []
    @Option(name: .customLong("threads"), help: "Client threads (repeatable; default: 1).")
    var threads: [Int] = []
    @Option(help: "Records of the store suite.") var records = 100_000
    @Option(help: "Documents of the document suite.") var documents = 10_000
    @Option(help: "Moving objects of the spatial suite.") var objects = 10_000
    @Option(help: "Key bytes of the store suite.") var keySize = 16
    @Option(help: "Value bytes of the store suite.") var valueSize = 100
    @Option(help: "Keys per write transaction in the fills.") var batchSize = 1
    @Option(help: "Operations of each timed phase (default: each workload's own).") var ops: Int?
    @Option(help: "Seconds of each timed phase, instead of a count.") var seconds: Double?
    @Option(help: "Untimed seconds of operations before each timed phase.") var warmup: Double = 0
    @Option(help: "Runs of each measurement; reports give medians and spreads.") var repeats = 1
    @Option(help: "Open loop at this many operations per second (latency from the intended start).")
    var targetRate: Double?
    @Flag(help: "Make every commit durable before it returns.") var sync = false
    @Option(help: "Seeds every operation stream (the same seed gives the same stream on every backend).")
    var seed: UInt64 = 1
    @Option(name: .customLong("reference"), help: "Run a reference tool beside the backends: db_bench (repeatable).")
    var references: [String] = []
    @Option(name: .customLong("tuning"), help: "Backend tuning KEY=VALUE for every store (repeatable).")
    var tuning: [String] = []
    @Option(help: "The output directory (default: results/<run id>).") var out: String?

    func run() throws {
        let registry = StoreRegistry.standard
        var options = BenchOptions()
        func bad(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 2) }
        if !suites.isEmpty {
            options.suites = try suites.map { name in
                guard let s = Suite(rawValue: name) else {
                    throw bad("unknown suite '\(name)'; valid: \(Suite.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return s
            }
        }
        for name in backends where !registry.names.contains(name) {
            throw bad("unknown backend '\(name)'; available: \(registry.names.joined(separator: ", "))")
        }
        options.backends = backends.isEmpty ? registry.names : backends
        if !modes.isEmpty {
            options.modes = try modes.map { name in
                guard let m = BenchMode(rawValue: name) else { throw bad("unknown mode '\(name)'; valid: embedded, tcp") }
                return m
            }
        }
        for pair in ycsb + tuning {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw bad("'\(pair)' is not KEY=VALUE")
            }
        }
        options.ycsbOverrides = Dictionary(ycsb.map(Self.split), uniquingKeysWith: { _, last in last })
        options.tuning = Dictionary(tuning.map(Self.split), uniquingKeysWith: { _, last in last })
        options.workloads = workloads
        options.workloadFiles = workloadFiles
        if !threads.isEmpty { options.threads = threads }
        options.records = records
        options.documents = documents
        options.objects = objects
        options.keySize = keySize
        options.valueSize = valueSize
        options.batchSize = batchSize
        options.ops = ops
        options.seconds = seconds
        options.warmupSeconds = warmup
        options.repeats = repeats
        options.targetRate = targetRate
        options.sync = sync
        options.seed = seed
        options.references = references
        options.outDirectory = out ?? "results/\(makeRunID())"
        options.executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        options.showProgress = isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
        #if Jemalloc
        options.allocatorStats = jemallocStats
        #endif
        do {
            try options.validate()
            _ = try WorkloadCatalog.select(options)
        } catch let error as HarnessError {
            throw bad(error.message)
        }

        let report = try BenchRunner(options: options).run()
        try BenchReportFiles.write(report, to: options.outDirectory)
        BenchReportFiles.linkLatest(options.outDirectory)
        print(SummaryTable.render(report))
        print("report: \(options.outDirectory)/{\(BenchReportFiles.names.joined(separator: ","))}")
        let errors = report.results.reduce(0) { $0 + $1.errors }
        if errors > 0 {
            throw CommandFailure(message: "\(errors) operation(s) failed; see the Errors section of report.md")
        }
    }

    static func split(_ pair: String) -> (String, String) {
        let eq = pair.firstIndex(of: "=")!
        return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
    }
}

/// `strata compare A.json B.json`.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two benchmark reports result by result.",
        discussion: """
            Pairs results by suite, workload, backend, mode and threads, prints the median and spread of \
            each, the change, and whether it is beyond the noise of the repeats (~ marks noise). Exit \
            status 0 when no significant regression exceeds the threshold, 1 when one does, 2 on \
            unusable input (unreadable files, other schemas, different configurations).
            """
    )

    @Argument(help: "The report before (report.json or its folder).") var before: String
    @Argument(help: "The report after.") var after: String
    @Option(help: "Percent slowdown that counts as a regression.") var threshold: Double = 5

    func run() throws {
        guard threshold >= 0, threshold.isFinite else {
            throw CommandFailure(message: "--threshold must be zero or more", exitCode: 2)
        }
        let a = try load(before)
        let b = try load(after)
        let comparison: Comparison
        do { comparison = try Comparison(a, b, threshold: threshold) } catch let error as HarnessError {
            throw CommandFailure(message: error.message, exitCode: 2)
        }
        print(comparison.render(nameA: before, nameB: after), terminator: "")
        if comparison.hasRegression {
            throw CommandFailure(message: "regression beyond \(threshold)%", exitCode: 1)
        }
    }

    func load(_ path: String) throws -> Report {
        var isDir: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue ? path + "/report.json" : path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure(message: "cannot read \(file)", exitCode: 2)
        }
        do { return try ReportJSON.decode(data) } catch let error as HarnessError {
            throw CommandFailure(message: "\(file): \(error.message)", exitCode: 2)
        } catch {
            throw CommandFailure(message: "\(file) is not a strata report: \(error)", exitCode: 2)
        }
    }
}

/// `strata report DIR`: rebuilds report.md, report.html and ycsb.txt from report.json.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Rebuild report.md, report.html and ycsb.txt from a run's report.json.")

    @Argument(help: "The run's folder.") var directory: String

    func run() throws {
        let file = directory + "/report.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure(message: "cannot read \(file)", exitCode: 2)
        }
        let report: Report
        do { report = try ReportJSON.decode(data) } catch {
            throw CommandFailure(message: "\(file): \(error)", exitCode: 2)
        }
        try BenchReportFiles.write(report, to: directory, json: false)
        print("rebuilt \(directory)/report.md, report.html, ycsb.txt")
    }
}
