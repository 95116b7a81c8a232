import Foundation
import StrataFaults
import StrataHarness
import Testing

@Suite("Stress checks")
struct StressCheckTests {
    @Test("every check passes on a sound backend", arguments: allBackends)
    func everyCheckPasses(backend: String) throws {
        try withTemporaryDirectory { dir in
            let report = try StressRunner(options: smallOptions(backends: [backend], out: dir)).run()
            #expect(report.checks.map(\.name) == StressCheck.allCases.map(\.rawValue))
            for check in report.checks {
                #expect(check.passed, "\(check.name) on \(backend): \(check.detail)")
                #expect(check.backend == backend)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "data directories are removed")
        }
    }

    /// The negative controls: the check built to catch each fault must fail.
    static let controls: [(Fault, [String])] = [
        (.dropWrites, ["load-verify"]),
        (.bitFlips, ["load-verify"]),
        (.staleReads, ["expected-state"]),
        (.nonAtomicCommit, ["batch-atomicity", "bank-invariant"]),
        (.ignoreConflicts, ["lost-update"]),
        (.crashBeforeSync, ["crash-recovery"]),
        (.failNthOperation, ["load-verify"]),
    ]

    @Test("each injected fault fails the check that exists to catch it", arguments: allBackends)
    func injectedFaultsAreCaught(backend: String) throws {
        for (fault, expected) in Self.controls {
            try withTemporaryDirectory { dir in
                var options = smallOptions(backends: [backend], out: dir)
                options.inject = fault
                options.checks = Set(expected)
                // A kill that lands just after the held commits were applied loses
                // nothing; several cycles make a loss certain in practice.
                options.crashCycles = 5
                let report = try StressRunner(options: options).run()
                for name in expected {
                    let check = report.checks.first { $0.name == name }
                    #expect(check != nil, "\(name) did not run")
                    #expect(
                        check?.passed == false,
                        "\(fault) went unnoticed by \(name) on \(backend): \(check?.detail ?? "")")
                    #expect(check?.detail.contains("seed \(options.seed)") == true, "the failure names the seed")
                }
            }
        }
    }

    @Test func crashRecoveryWithoutSyncReportsInsteadOfFailing() throws {
        try withTemporaryDirectory { dir in
            var options = smallOptions(backends: ["trie"], out: dir)
            options.checks = ["crash-recovery"]
            options.crashSync = false
            let report = try StressRunner(options: options).run()
            let check = try #require(report.checks.first)
            #expect(check.passed, "\(check.detail)")
            #expect(check.figures["lost"] != nil)
            #expect(check.detail.contains("sync off"))
        }
    }
}
