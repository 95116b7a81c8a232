import Foundation
import StrataFaults
import StrataHarness
import Testing

/// The checks of the layers above the store: `document-index-consistency`
/// (StrataDB) and `tracker-hot-cold` (StrataSpatial), each on every backend,
/// without a fault and under the faults each is built to catch.
@Suite("Stress checks of the document and tracker layers")
struct LayerCheckTests {
    static let names = ["document-index-consistency", "tracker-hot-cold"]

    @Test("the layer checks pass on a sound backend", arguments: allBackends)
    func layerChecksPass(backend: String) throws {
        try withTemporaryDirectory { dir in
            var options = smallOptions(backends: [backend], out: dir)
            options.checks = Set(Self.names)
            let report = try StressRunner(options: options).run()
            #expect(report.checks.map(\.name) == Self.names)
            for check in report.checks {
                #expect(check.passed, "\(check.name) on \(backend): \(check.detail)")
                #expect(check.figures["violations"] == 0, "\(check.name) on \(backend): \(check.detail)")
                #expect(check.figures["errors"] == 0, "\(check.name) on \(backend): \(check.detail)")
                #expect((check.figures["operations"] ?? 0) > 0, "\(check.name) on \(backend) did some work")
            }
        }
    }

    /// The negative controls, with why each fault is the one to catch in the
    /// checks' own documentation.
    static let controls: [(fault: Fault, check: String)] = [
        (.dropWrites, "document-index-consistency"),
        (.nonAtomicCommit, "document-index-consistency"),
        (.dropWrites, "tracker-hot-cold"),
    ]

    @Test("each layer check fails under its fault, by a detected violation", arguments: allBackends)
    func faultsAreDetected(backend: String) throws {
        for control in Self.controls {
            try withTemporaryDirectory { dir in
                var options = smallOptions(backends: [backend], out: dir)
                options.inject = control.fault
                options.checks = [control.check]
                let report = try StressRunner(options: options).run()
                let check = try #require(report.checks.first { $0.name == control.check }, "\(control.check) ran")
                let context = "\(control.fault) under \(control.check) on \(backend): \(check.detail)"
                #expect(!check.passed, "went unnoticed: \(context)")
                // A violation found by the check, not an error that stopped it.
                #expect((check.figures["violations"] ?? 0) > 0, "no violation detected: \(context)")
                #expect(check.figures["errors"] == 0, "an incidental error: \(context)")
                #expect(!check.detail.hasPrefix("error:"), "the check did not complete: \(context)")
                #expect(check.detail.contains("seed \(options.seed)"), "the failure names the seed")
            }
        }
    }
}
