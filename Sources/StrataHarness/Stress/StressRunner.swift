import Foundation
import StrataBackends
import StrataFaults
import StrataStore

/// Runs the stress checks on each backend, each in its own fresh directory
/// under the out directory, and collects one ``Report/Check`` per check and
/// backend.
public struct StressRunner: Sendable {
    public let options: StressOptions
    let progress: StressProgress

    public init(options: StressOptions) {
        self.options = options
        progress = StressProgress(enabled: options.showProgress)
    }

    /// Runs every selected check on every backend and returns the report.
    /// Throws only when the out directory cannot be made.
    public func run() throws -> Report {
        try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
        var checks: [Report.Check] = []
        for backend in options.backends {
            checks += runBackend(backend)
        }
        var versions: [String: String] = [:]
        for d in StoreRegistry.standard.descriptors where options.backends.contains(d.name) {
            versions[d.name] = d.version()
        }
        var extra: [String: String] = [
            "seconds": String(options.seconds), "crash_cycles": String(options.crashCycles),
            "crash_sync": String(options.crashSync), "batch_size": String(options.batchSize),
        ]
        if let fault = options.inject { extra["inject"] = fault.rawValue }
        return Report(
            id: URL(fileURLWithPath: options.outDirectory).lastPathComponent,
            created: iso8601(),
            environment: .probe(backends: versions),
            config: .init(
                records: options.records, valueSize: options.valueSize, threads: [options.threads], repeats: 1,
                sync: false, seed: options.seed, options: extra),
            checks: checks
        )
    }

    /// The checks of one backend, in order.
    func runBackend(_ backend: String) -> [Report.Check] {
        let data = options.outDirectory + "/data-\(backend)"
        let crashData = options.outDirectory + "/crash-\(backend)"
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: crashData)
        defer {
            if !options.keepData {
                try? FileManager.default.removeItem(atPath: data)
                try? FileManager.default.removeItem(atPath: crashData)
            }
        }
        var results: [Report.Check] = []
        func record(_ check: StressCheck, _ body: () throws -> CheckOutcome) {
            guard options.runs(check.rawValue) else { return }
            let start = now()
            var outcome: CheckOutcome
            do {
                outcome = try body()
            } catch {
                outcome = CheckOutcome(passed: false, detail: "error: \(error)")
            }
            if !outcome.passed {
                outcome.detail += " (seed \(options.seed)\(options.inject.map { ", inject \($0.rawValue)" } ?? ""))"
            }
            results.append(
                Report.Check(
                    name: check.rawValue, backend: backend, passed: outcome.passed, detail: outcome.detail,
                    durationSeconds: now() - start, figures: outcome.figures))
        }

        let bulk = LoadVerify(options: options, backend: backend, progress: progress)
        let races = RaceChecks(options: options, backend: backend, progress: progress)
        let bulkChecks: [StressCheck] = [.loadVerify, .orderedScan, .reopenVerify]
        let raceChecks: [StressCheck] = [
            .lostUpdate, .bankInvariant, .batchAtomicity, .deleteRangeVsScanners, .expectedState,
            .documentIndexConsistency, .trackerHotCold,
        ]
        let wantsStore = (bulkChecks + raceChecks).contains { options.runs($0.rawValue) }
        if wantsStore {
            do {
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                var loaded = false
                if options.runs(StressCheck.loadVerify.rawValue) || options.runs(StressCheck.orderedScan.rawValue)
                    || options.runs(StressCheck.reopenVerify.rawValue)
                {
                    let store = try open(backend, at: data)
                    loaded = true
                    if options.runs(StressCheck.loadVerify.rawValue) {
                        record(.loadVerify) { try bulk.load(store) }
                    } else {
                        _ = try? bulk.load(store)
                    }
                    record(.orderedScan) { try bulk.orderedScan(store) }
                    try store.close()
                }
                let store = try open(backend, at: data)
                if loaded { record(.reopenVerify) { try bulk.reverify(store) } }
                record(.lostUpdate) { try races.lostUpdate(store) }
                record(.bankInvariant) { try races.bankInvariant(store) }
                record(.batchAtomicity) { try races.batchAtomicity(store) }
                record(.deleteRangeVsScanners) { try races.deleteRangeVsScanners(store) }
                record(.expectedState) { try races.expectedState(store) }
                record(.documentIndexConsistency) {
                    try DocumentIndexConsistency(options: options, backend: backend, progress: progress).run(store)
                }
                try store.close()
                // Closes and reopens the store itself: the rebuild from the store is what it checks.
                record(.trackerHotCold) {
                    try TrackerHotCold(options: options, backend: backend, progress: progress).run {
                        try open(backend, at: data)
                    }
                }
            } catch {
                for check in bulkChecks + raceChecks
                where options.runs(check.rawValue) && !results.contains(where: { $0.name == check.rawValue }) {
                    results.append(
                        Report.Check(
                            name: check.rawValue, backend: backend, passed: false,
                            detail: "error: \(error) (seed \(options.seed))"))
                }
            }
        }
        record(.crashRecovery) {
            try FileManager.default.createDirectory(atPath: crashData, withIntermediateDirectories: true)
            return try CrashRecovery(options: options, backend: backend, progress: progress).run(directory: crashData)
        }
        return results
    }

    /// Opens `backend` at `path`, wrapped in the fault injector when asked.
    func open(_ backend: String, at path: String) throws -> any Store {
        let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: path, sync: false))
        guard let fault = options.inject else { return store }
        return injectFaults(into: store, plan: StressOptions.plan(for: fault, seed: options.seed))
    }
}
