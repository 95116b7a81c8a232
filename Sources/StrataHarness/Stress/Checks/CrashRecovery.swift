import Foundation
import StrataBackends
import StrataFaults
import StrataStore
import Synchronization

/// `crash-recovery`: a child process (the `strata` executable, hidden
/// subcommand `_stress-child`) commits with `sync` on and prints `ack N` after
/// each commit returns; the parent kills it with SIGKILL at a seeded random
/// moment, reopens the store, and requires every acknowledged commit to be
/// present and every record to verify. Repeated on the same directory.
struct CrashRecovery {
    let options: StressOptions
    let backend: String
    let progress: StressProgress
    static let columnFamily = "crash"
    static let keysPerCommit = 4

    static func key(_ seq: UInt64, _ j: Int) -> [UInt8] {
        StressRecord.key(prefix: "commit", Int(seq)) + Array("/\(j)".utf8)
    }

    func run(directory: String) throws -> CheckOutcome {
        guard let executable = options.childExecutable else {
            throw HarnessError("crash-recovery needs the strata executable to start as its child")
        }
        var rng = StressRandom(seed: options.seed ^ 0xC4A5)
        var acknowledged: [ClosedRange<UInt64>] = []
        var next: UInt64 = 1
        var lost = 0
        var corrupt = 0
        var examples: [String] = []
        progress.begin("[\(backend)] crash-recovery", total: options.crashCycles)
        for cycle in 0..<options.crashCycles {
            let delay = Double.random(in: 0.05...0.4, using: &rng)
            let acks = try runChild(executable: executable, directory: directory, start: next, killAfter: delay)
            if let last = acks { acknowledged.append(next...last) }
            // Reopen the base store (no faults: this is what the disk holds).
            let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory, sync: true))
            defer { try? store.close() }
            let found = try verify(store, acknowledged: acknowledged, cycle: cycle)
            lost += found.lost
            corrupt += found.corrupt
            for e in found.examples where examples.count < 3 { examples.append(e) }
            next = max(acks ?? 0, found.highest, next) + 1
            progress.advance()
        }
        progress.end()
        let total = acknowledged.reduce(0) { $0 + $1.count }
        let passed = corrupt == 0 && (lost == 0 || !options.crashSync)
        var outcome = CheckOutcome(
            passed: passed,
            detail:
                "\(options.crashCycles) SIGKILL cycles, sync \(options.crashSync ? "on" : "off"); \(total) acknowledged commits, \(lost) lost, \(corrupt) corrupt records",
            figures: [
                "cycles": Double(options.crashCycles), "acknowledged": Double(total), "lost": Double(lost),
                "corrupt": Double(corrupt),
            ]
        )
        if !examples.isEmpty { outcome.add(examples.joined(separator: "; ")) }
        return outcome
    }

    /// Starts the child, waits until it acknowledges its first commit, lets it
    /// run for `killAfter` seconds more, kills it and reaps it. Returns the last
    /// acknowledged sequence number, or nil when there was none.
    private func runChild(executable: String, directory: String, start: UInt64, killAfter: Double) throws -> UInt64? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "_stress-child", "--backend", backend, "--path", directory, "--start", String(start),
            "--seed", String(options.seed), "--value-size", String(min(options.valueSize, 4096)),
        ]
        if !options.crashSync { arguments.append("--no-sync") }
        if let fault = options.inject { arguments += ["--inject", fault.rawValue] }
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        // Whatever happens, no child outlives this function.
        defer {
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        let last = Mutex<UInt64?>(nil)
        let reader = DispatchGroup()
        reader.enter()
        let handle = output.fileHandleForReading
        Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    if line.hasPrefix("ack "), let n = UInt64(line.dropFirst(4)) { last.withLock { $0 = n } }
                }
            }
            reader.leave()
        }.start()

        let waitLimit = now() + 60
        while last.withLock({ $0 }) == nil && process.isRunning && now() < waitLimit { usleep(2000) }
        if process.isRunning {
            usleep(UInt32(killAfter * 1_000_000))
            kill(pid, SIGKILL)
        }
        process.waitUntilExit()
        reader.wait()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        if !killed {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw HarnessError(
                "crash child exited with status \(process.terminationStatus) before it was killed: \(text.split(separator: "\n").first ?? "")"
            )
        }
        return last.withLock { $0 }
    }

    private struct Found {
        var lost = 0
        var corrupt = 0
        var highest: UInt64 = 0
        var examples: [String] = []
    }

    /// Every acknowledged commit must be present and verify; every record in the
    /// column family must verify.
    private func verify(_ store: some Store, acknowledged: [ClosedRange<UInt64>], cycle: Int) throws -> Found {
        var found = Found()
        let cf = try store.createColumnFamily(Self.columnFamily)
        let seed = options.seed
        try store.read { txn in
            for range in acknowledged {
                for seq in range {
                    for j in 0..<Self.keysPerCommit {
                        let k = Self.key(seq, j)
                        if let why = StressRecord.problem(try txn.get(k, in: cf), key: k, version: seq, seed: seed) {
                            if j == 0 { found.lost += 1 }
                            if found.examples.count < 3 {
                                found.examples.append(
                                    "seed \(seed), cycle \(cycle): acknowledged commit \(seq), key \(printable(k)): expected version \(seq), found \(why)"
                                )
                            }
                        }
                    }
                }
            }
            try txn.forEach(in: cf) { k, v in
                switch StressRecord.verify(v, key: k, seed: seed) {
                case .valid(let version): found.highest = max(found.highest, version)
                case .invalid(let why):
                    found.corrupt += 1
                    if found.examples.count < 3 {
                        found.examples.append(
                            "seed \(seed), cycle \(cycle): key \(printable(Array(k))) corrupt: \(why)")
                    }
                }
                return true
            }
        }
        return found
    }
}

/// The crash child's side: open, commit, acknowledge on stdout, until killed.
public enum CrashChild {
    /// Commits numbered from `start`, `keysPerCommit` records each, printing
    /// `ack N` after commit N returns. Stops by itself after `maxSeconds`.
    public static func run(
        backend: String, path: String, sync: Bool, inject: Fault?, seed: UInt64, valueSize: Int, start: UInt64,
        maxSeconds: Double = 120
    ) throws {
        var store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: path, sync: sync))
        if let inject { store = injectFaults(into: store, plan: StressOptions.plan(for: inject, seed: seed ^ start)) }
        try commitUntilKilled(store, seed: seed, valueSize: valueSize, start: start, maxSeconds: maxSeconds)
        try store.close()
    }

    private static func commitUntilKilled(
        _ store: some Store, seed: UInt64, valueSize: Int, start: UInt64, maxSeconds: Double
    ) throws {
        let cf = try store.createColumnFamily(CrashRecovery.columnFamily)
        let deadline = now() + maxSeconds
        var seq = start
        while now() < deadline {
            let batch = (0..<CrashRecovery.keysPerCommit).map { j -> (key: [UInt8], value: [UInt8]) in
                let k = CrashRecovery.key(seq, j)
                return (k, StressRecord.encode(key: k, version: seq, seed: seed, valueSize: valueSize))
            }
            try store.write { txn in try txn.putBatch(batch, in: cf) }
            let line = Array("ack \(seq)\n".utf8)
            let written = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written != line.count { return }  // the parent is gone
            seq += 1
        }
    }
}
