import Foundation

/// The workloads of each suite, in the order they run on one store: writers
/// that leave a dataset first, readers of it next, the ones that consume it last.
public enum WorkloadCatalog {
    /// The shipped YCSB files, looked for in `workloads/ycsb` under the working
    /// directory and then beside the executable's checkout.
    static func shippedYCSBFiles(executable: String) -> [String] {
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        let candidates = [
            FileManager.default.currentDirectoryPath + "/workloads/ycsb",
            exe.deletingLastPathComponent().appendingPathComponent("../../../workloads/ycsb").standardized.path,
        ]
        for dir in candidates {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            let files = names.filter { $0.hasPrefix("workload") && $0 != "workload_template" }.sorted()
            if !files.isEmpty { return files.map { dir + "/" + $0 } }
        }
        return []
    }

    /// The load and run phases of YCSB files. Files that load the same records
    /// (A–F all do) share one timed load, named after the first of them; the
    /// others run over its records (reloaded untimed after a run that inserts).
    static func ycsb(_ files: [String], _ options: BenchOptions) throws -> [any Workload] {
        var out: [any Workload] = []
        var loads = Set<String>()
        for file in files {
            var properties = try YCSBProperties(contentsOf: file)
            for (k, v) in options.ycsbOverrides { properties.values[k] = v }
            let spec = try YCSBSpec(properties)
            if loads.insert(YCSBDataset(spec: spec).id).inserted { out.append(YCSBWorkload(spec, load: true)) }
            out.append(YCSBWorkload(spec, load: false))
        }
        return out
    }

    /// Every workload name of the store, document and spatial suites.
    public static var builtInNames: [String] {
        StoreWorkload.Kind.allCases.map(\.rawValue) + DocumentWorkload.Kind.allCases.map(\.rawValue)
            + SpatialWorkload.Kind.allCases.map(\.rawValue)
    }

    /// The workloads `options` ask for.
    /// - Throws: `HarnessError` for an unknown workload name or an unreadable YCSB file.
    public static func select(_ options: BenchOptions) throws -> [any Workload] {
        var all: [any Workload] = []
        for suite in options.suites {
            switch suite {
            case .store:
                let order: [StoreWorkload.Kind] = [
                    .fillseq, .readseq, .readrandom, .seekrandom, .overwrite, .readwhilewriting, .deleterandom,
                    .fillrandom,
                ]
                all += order.map { StoreWorkload($0, options: options) }
            case .document:
                all += DocumentWorkload.Kind.allCases.map { DocumentWorkload($0, options: options) }
            case .spatial:
                all += SpatialWorkload.Kind.allCases.map { SpatialWorkload($0, options: options) }
            case .ycsb:
                var files = options.workloadFiles
                if files.isEmpty {
                    files = shippedYCSBFiles(executable: options.executable)
                    if files.isEmpty {
                        throw HarnessError("no YCSB workload files: workloads/ycsb is missing; pass --workload-file F")
                    }
                }
                all += try ycsb(files, options)
            }
        }
        if !options.suites.contains(.ycsb) && !options.workloadFiles.isEmpty {
            all += try ycsb(options.workloadFiles, options)
        }
        guard !options.workloads.isEmpty else { return all }
        var chosen: [any Workload] = []
        for name in options.workloads {
            let matches = all.filter { w in
                let full = "\(w.suite.rawValue)/\(w.name)"
                return w.name == name || full == name || w.name == name + "-load" || full == name + "-load"
            }
            if matches.isEmpty {
                let known = all.map { "\($0.suite.rawValue)/\($0.name)" }.joined(separator: ", ")
                throw HarnessError("unknown workload '\(name)' in the chosen suites; known: \(known)")
            }
            chosen += matches
        }
        // Keep the catalog's order (datasets are produced before they are read).
        return all.filter { w in chosen.contains { $0.suite == w.suite && $0.name == w.name } }
    }
}
