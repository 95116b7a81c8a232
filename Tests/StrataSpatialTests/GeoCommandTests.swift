import Foundation
import Testing

/// Runs the `strata` executable built next to the test bundle, when there is one.
private let strataBinary: String? = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("strata").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}()

private func strata(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: strataBinary!)
    process.arguments = args
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite("strata geo", .enabled(if: strataBinary != nil, "the strata executable is not built"))
struct GeoCommandTests {
    @Test func negativeCoordinatesAndJSONLines() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let base = ["geo", "--backend", "trie", "--path", dir.path]
        var r = try strata(base + ["upsert", "cars", "c1", "-33.9", "-151.2", "--time", "100", "--alt=-5", "--data", #"{"k":"v"}"#])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == #"{"object":"c1","lat":-33.9,"lon":-151.2,"alt":-5.0,"time":100,"data":{"k":"v"}}"# + "\n")
        r = try strata(base + ["nearby", "cars", "--", "-33.9", "-151.2", "1000"])
        #expect(r.out.contains(#""distance_m":0.0"#), "\(r.out) \(r.err)")
        r = try strata(base + ["knn", "cars", "-34", "-151", "1"])
        #expect(r.out.hasPrefix(#"{"object":"c1""#), "\(r.out) \(r.err)")
        r = try strata(base + ["bbox", "cars", "-34", "-152", "-33", "-151"])
        #expect(r.out.split(separator: "\n").count == 1, "\(r.out) \(r.err)")
        r = try strata(base + ["polygon", "cars", "[[-152,-34],[-151,-34],[-151,-33],[-152,-33]]"])
        #expect(r.out.split(separator: "\n").count == 1, "\(r.out) \(r.err)")
        r = try strata(base + ["trajectory", "cars", "c1", "--from", "0"])
        #expect(r.out.split(separator: "\n").count == 1, "\(r.out) \(r.err)")
    }

    @Test func errorsAreOneLineWithNonZeroExit() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let base = ["geo", "--backend", "trie", "--path", dir.path]
        for args in [["upsert", "n", "o", "95", "0"], ["nearby", "n", "0", "0", "-5"], ["get", "n", "missing"],
                     ["polygon", "n", "[[0,0],[1,1]]"], ["knn", "n", "0", "0"]] {
            let r = try strata(base + args)
            #expect(r.status != 0, "\(args) succeeded")
            #expect(r.err.hasPrefix("strata: ") && r.err.split(separator: "\n").count == 1, "\(args): \(r.err)")
        }
        #expect(try strata(base + ["get", "n", "o"]).status != 0, "a rejected upsert stored something")
    }
}
