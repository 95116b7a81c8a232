import ArgumentParser
import Foundation
import StrataBackends
import StrataFaults
import StrataHarness
import StrataStore

struct Stress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the store-level stress, race and crash checks on each backend.",
        discussion: """
            Writes report.json and report.md to the out directory and exits 0 only when \
            every check passed (1 on a violation, 2 on bad arguments). With --inject, the \
            checks run over the fault-injecting store and the check built to catch the \
            fault must fail (a negative control).
            """
    )

    @Option(name: .customLong("backend"), help: "A backend to check (repeatable; default: every backend).")
    var backends: [String] = []
    @Option(help: "Records written and verified by the load.") var records = 500_000
    @Option(help: "Bytes per record value.") var valueSize = 1024
    @Option(help: "Threads of each race check.") var threads = 4
    @Option(help: "Seconds each race check runs.") var seconds: Double = 5
    @Option(help: "Kill-and-recover cycles of the crash check.") var crashCycles = 20
    @Option(help: "Inject a fault: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")).") var inject: String?
    @Option(
        name: .customLong("check"),
        help: "Run only this check (repeatable): \(StressCheck.allCases.map(\.rawValue).joined(separator: ", ")).")
    var checks: [String] = []
    @Option(help: "Seeds every random choice (default: from the clock).") var seed: UInt64?
    @Option(help: "The output directory (default: results/<run id>).") var out: String?
    @Flag(help: "The crash child commits without sync; lost acknowledged commits are reported, not failed.")
    var noSync = false
    @Flag(help: "Keep the data directories.") var keepData = false

    func run() throws {
        let registry = StoreRegistry.standard
        for name in backends where !registry.names.contains(name) {
            throw CommandFailure(
                message: "unknown backend '\(name)'; available: \(registry.names.joined(separator: ", "))", exitCode: 2)
        }
        let fault: Fault?
        do { fault = try inject.map(Fault.parse) } catch let error as StoreError {
            throw CommandFailure(message: error.message, exitCode: 2)
        }
        let known = StressCheck.allCases.map(\.rawValue)
        for name in checks where !known.contains(name) {
            throw CommandFailure(
                message: "unknown check '\(name)'; valid: \(known.joined(separator: ", "))", exitCode: 2)
        }
        guard records > 0, valueSize > 0, threads > 0, seconds > 0, crashCycles >= 0 else {
            throw CommandFailure(
                message:
                    "--records, --value-size, --threads and --seconds must be positive, --crash-cycles zero or more",
                exitCode: 2)
        }
        let runID = makeRunID()
        var options = StressOptions(
            backends: backends.isEmpty ? registry.names : backends, outDirectory: out ?? "results/\(runID)")
        options.records = records
        options.valueSize = valueSize
        options.threads = threads
        options.seconds = seconds
        options.crashCycles = crashCycles
        options.crashSync = !noSync
        options.inject = fault
        options.seed = seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        options.keepData = keepData
        options.checks = checks.isEmpty ? nil : Set(checks)
        options.childExecutable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        options.showProgress = isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil

        let report = try StressRunner(options: options).run()
        let dir = URL(fileURLWithPath: options.outDirectory)
        try ReportJSON.encode(report).write(to: dir.appendingPathComponent("report.json"))
        try Data(StressMarkdown.render(report).utf8).write(to: dir.appendingPathComponent("report.md"))

        for c in report.checks {
            print(
                "\(c.passed ? "pass" : "FAIL")  \(c.name.padding(toLength: 25, withPad: " ", startingAt: 0)) \(c.backend.padding(toLength: 8, withPad: " ", startingAt: 0)) \(c.detail)"
            )
        }
        let failed = report.checks.filter { !$0.passed }
        print(
            "\(report.checks.count - failed.count) of \(report.checks.count) checks passed (seed \(options.seed)); report: \(options.outDirectory)/report.json, report.md"
        )
        if !failed.isEmpty {
            throw CommandFailure(
                message:
                    "\(failed.count) check(s) failed: \(failed.map { "\($0.name) on \($0.backend)" }.joined(separator: ", "))",
                exitCode: 1)
        }
    }
}

/// The crash check's child process (hidden): commits until killed.
struct StressChild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_stress-child",
        abstract: "The crash-recovery child of `strata stress` (internal).",
        shouldDisplay: false
    )

    @Option var backend: String
    @Option var path: String
    @Option var start: UInt64
    @Option var seed: UInt64
    @Option var valueSize: Int
    @Option var inject: String?
    @Flag var noSync = false

    func run() throws {
        let fault = try inject.map(Fault.parse)
        try CrashChild.run(
            backend: backend, path: path, sync: !noSync, inject: fault, seed: seed, valueSize: valueSize, start: start)
    }
}
