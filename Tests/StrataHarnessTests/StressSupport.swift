import Foundation
import StrataBackends
import StrataHarness
import StrataStore

/// A temporary directory that the test removes when done.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-stress-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// The `strata` executable built beside the test bundle (the crash check's child).
let strataExecutable: String = {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
    // The test binary may sit inside a bundle folder; walk up to the build directory.
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("strata").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/strata")
        .path
}()

/// Small-size options: fast enough for `swift test`, large enough for the
/// faults to fire.
func smallOptions(backends: [String], out: String) -> StressOptions {
    var options = StressOptions(backends: backends, outDirectory: out)
    options.records = 2000
    options.valueSize = 256
    options.threads = 4
    options.seconds = 1
    options.crashCycles = 2
    options.seed = 20_261_122
    options.childExecutable = strataExecutable
    return options
}

let allBackends = StoreRegistry.standard.names
