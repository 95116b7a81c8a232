import Foundation

/// Reference rows: the same store workloads through RocksDB's own `db_bench`
/// (Debian's `rocksdb-tools`), with the RocksDB backend's settings (64 MiB
/// block cache and write buffer, 10 bloom bits), so every report shows what
/// the Store layer costs over plain RocksDB. Rows have backend `db_bench` and
/// mode `reference`.
///
/// db_bench runs each group of workloads in the state the harness runs them
/// in, one invocation per group, each on a fresh database:
/// - `fillseq` alone, and `fillrandom` alone;
/// - the reads (`readrandom`, `seekrandom`, `readwhilewriting`) after a
///   `fillseq` in batches of `StoreDataset.loadBatch`, in the same process, as
///   the harness reads the dataset it has just loaded that way. How the fill
///   ran decides the state the reads meet (a fill in single puts lets flushes
///   and compactions finish before the reads; reopening the database with
///   `--use_existing_db` flushes the memtable on recovery), and either
///   changes db_bench's read rate by a third;
/// - `overwrite` and `deleterandom` after a `fillseq`, in the same process.
/// `readseq` is left out: db_bench counts one entry as an operation, Strata
/// one 1,000-entry scan.
enum ReferenceRunner {
    static let supported = ["db_bench"]
    static let workloads: Set<String> = [
        "fillseq", "fillrandom", "overwrite", "readrandom", "seekrandom", "readwhilewriting", "deleterandom",
    ]

    static func executable(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func version(_ name: String) -> String {
        guard let exe = executable(name), let out = try? capture(exe, ["--version"]) else { return "not installed" }
        return out.split(separator: "\n").first.map { $0.replacingOccurrences(of: "db_bench version ", with: "") } ?? "unknown"
    }

    /// Runs the selected store workloads through `name`.
    /// - Throws: `HarnessError` when the tool is unknown, missing or fails.
    static func run(_ name: String, options: BenchOptions, progress: StressProgress) throws -> [Report.Result] {
        guard supported.contains(name) else {
            throw HarnessError("unknown reference '\(name)'; supported: \(supported.joined(separator: ", "))")
        }
        guard let exe = executable(name) else {
            throw HarnessError("--reference db_bench: db_bench is not installed (apt-get install rocksdb-tools)")
        }
        guard options.suites.contains(.store) else { return [] }
        var wanted = Set(StoreWorkload.Kind.allCases.map(\.rawValue)).intersection(workloads)
        if !options.workloads.isEmpty {
            wanted = wanted.intersection(options.workloads.map { $0.replacingOccurrences(of: "store/", with: "") })
        }
        let order = ["fillseq", "readrandom", "seekrandom", "overwrite", "readwhilewriting", "deleterandom", "fillrandom"]
        let reads = order.filter { wanted.contains($0) && ["readrandom", "seekrandom", "readwhilewriting"].contains($0) }
        let rewrites = order.filter { wanted.contains($0) && ["overwrite", "deleterandom"].contains($0) }
        var results: [Report.Result] = []
        for threads in options.threads {
            let db = options.outDirectory + "/data/db_bench"
            try? FileManager.default.removeItem(atPath: db)
            defer { try? FileManager.default.removeItem(atPath: db) }
            var common = [
                "--db=\(db)", "--num=\(options.records)", "--key_size=\(options.keySize)",
                "--value_size=\(options.valueSize)", "--threads=\(threads)",
                "--cache_size=\(64 << 20)", "--write_buffer_size=\(64 << 20)", "--bloom_bits=10",
                "--histogram=1", "--sync=\(options.sync ? 1 : 0)", "--seed=\(options.seed)",
                "--compression_ratio=1",
            ]
            if let ops = options.ops { common.append("--reads=\(ops)") }
            // db_bench ends a sequential fill after --num records whatever
            // --duration says, so a duration bounds only what follows it.
            let duration = options.seconds.map { ["--duration=\(Int(max(1, $0.rounded())))"] } ?? []
            // Each run: its arguments, and the workloads whose rows it gives.
            var runs: [(arguments: [String], gives: [String])] = []
            if wanted.contains("fillseq") {
                runs.append((["--benchmarks=fillseq", "--batch_size=\(options.batchSize)"], ["fillseq"]))
            }
            if !reads.isEmpty {
                let arguments = ["--benchmarks=\((["fillseq"] + reads).joined(separator: ","))", "--batch_size=\(StoreDataset.loadBatch)"]
                runs.append((arguments + duration, reads))
            }
            if !rewrites.isEmpty {
                let arguments = ["--benchmarks=\((["fillseq"] + rewrites).joined(separator: ","))", "--batch_size=\(options.batchSize)"]
                runs.append((arguments + duration, rewrites))
            }
            if wanted.contains("fillrandom") {
                runs.append((["--benchmarks=fillrandom", "--batch_size=\(options.batchSize)"], ["fillrandom"]))
            }
            for run in runs {
                progress.begin("db_bench \(run.gives.joined(separator: ",")) t\(threads)")
                let out = try capture(exe, common + run.arguments)
                progress.end()
                for parsed in parse(out) where run.gives.contains(parsed.workload) {
                    results.append(parsed.result(threads: threads, options: options))
                }
            }
        }
        return results
    }

    struct Parsed {
        var workload: String
        var microsPerOp: Double
        var opsPerSecond: Double
        var ops: Int
        var seconds: Double
        var latency = Report.Latency.zero

        func result(threads: Int, options: BenchOptions) -> Report.Result {
            Report.Result(
                suite: "store", workload: workload, backend: "db_bench", mode: "reference", threads: threads, ops: ops,
                errors: 0, durationSeconds: seconds, throughput: opsPerSecond, latencyMicros: latency, cpuUserSeconds: 0,
                cpuSystemSeconds: 0, peakRSSBytes: 0, diskBytes: 0, bytesWritten: 0, repeats: [opsPerSecond])
        }
    }

    /// Reads db_bench's output: a summary line per benchmark
    /// (`readrandom   :  2.5 micros/op 400000 ops/sec 0.25 seconds 100000 operations; …`)
    /// followed, with `--histogram`, by `Count: … Average: …`, `Min: … Median: … Max: …`
    /// and `Percentiles: P50: … P75: … P99: … P99.9: … P99.99: …`.
    static func parse(_ output: String) -> [Parsed] {
        var parsed: [Parsed] = []
        for raw in output.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let words = line.split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
            if words.count >= 6, words[1] == ":", words[3] == "micros/op", let micros = Double(words[2]),
                let rate = Double(words[4])
            {
                var p = Parsed(workload: words[0], microsPerOp: micros, opsPerSecond: rate, ops: 0, seconds: 0)
                if let i = words.firstIndex(of: "seconds"), i > 0 { p.seconds = Double(words[i - 1]) ?? 0 }
                if let i = words.firstIndex(of: "operations"), i > 0 { p.ops = Int(words[i - 1]) ?? 0 }
                if p.ops == 0 { p.ops = Int(rate * p.seconds) }
                p.latency.mean = micros
                parsed.append(p)
                continue
            }
            guard !parsed.isEmpty else { continue }
            func value(after label: String) -> Double? {
                guard let i = words.firstIndex(of: label), i + 1 < words.count else { return nil }
                return Double(words[i + 1])
            }
            if words.first == "Count:", let mean = value(after: "Average:") {
                parsed[parsed.count - 1].latency.mean = mean
            } else if words.first == "Min:" {
                if let v = value(after: "Min:") { parsed[parsed.count - 1].latency.min = v }
                if let v = value(after: "Max:") { parsed[parsed.count - 1].latency.max = v }
            } else if words.first == "Percentiles:" {
                if let v = value(after: "P50:") { parsed[parsed.count - 1].latency.p50 = v }
                if let v = value(after: "P99:") { parsed[parsed.count - 1].latency.p99 = v }
                if let v = value(after: "P99.9:") { parsed[parsed.count - 1].latency.p999 = v }
            }
        }
        return parsed
    }

    /// Runs a command and returns its standard output. - Throws: `HarnessError` on a non-zero exit.
    static func capture(_ exe: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = arguments
        let pipe = Pipe()
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(exe) exited with status \(process.terminationStatus): \(errorText.prefix(300))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
