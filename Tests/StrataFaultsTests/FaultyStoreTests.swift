import StrataFaults
import StrataStore
import StrataStoreTesting
import StrataTrie
import Testing

/// The decorator over the reference store: with no fault it must conform; with
/// each fault, the conformance check that exists to catch it must fail.
@Suite("Fault injection")
struct FaultyStoreTests {
    static func factory(_ plan: FaultPlan) -> StoreFactory {
        StoreFactory(name: "faulty(\(plan.faults.map(\.rawValue).sorted().joined(separator: ",")))", persistent: false) { _ in
            FaultyStore(base: ReferenceStore(), plan: plan)
        }
    }

    @Test(arguments: StoreConformance.checks)
    func passThroughConforms(_ check: ConformanceCheck) throws {
        try check.run(on: Self.factory(.passThrough))
    }

    /// Pass-through over a real, durable backend keeps its semantics (batches,
    /// multi-get, reopen) intact.
    @Test(arguments: StoreConformance.checks)
    func passThroughOverTheTrieOnDiskConforms(_ check: ConformanceCheck) throws {
        try check.run(on: StoreFactory(name: "faulty(trie)") { dir in
            FaultyStore(base: try TrieStore(options: StoreOptions(path: dir)), plan: .passThrough)
        })
    }

    /// Each fault, with the check that must catch it.
    static let controls: [(Fault, String, FaultPlan)] = [
        (.dropWrites, "model-based", FaultPlan([.dropWrites], rate: 0.2)),
        (.bitFlips, "crud", FaultPlan([.bitFlips], rate: 1)),
        (.staleReads, "model-based", FaultPlan([.staleReads], rate: 0.5)),
        (.nonAtomicCommit, "atomic-visibility", FaultPlan([.nonAtomicCommit])),
        (.ignoreConflicts, "no-lost-update", FaultPlan([.ignoreConflicts])),
        (.crashBeforeSync, "crud", FaultPlan([.crashBeforeSync], commitsHeld: 8)),
        (.failNthOperation, "model-based", FaultPlan([.failNthOperation], failingOperation: 500)),
    ]

    @Test(arguments: controls.map { ($0.0, $0.1) })
    func faultIsCaughtByItsCheck(_ fault: Fault, _ checkName: String) throws {
        let plan = Self.controls.first { $0.0 == fault }!.2
        let check = try #require(StoreConformance.check(named: checkName))
        do {
            try check.run(on: Self.factory(plan))
            Issue.record("\(fault) went unnoticed by \(checkName)")
        } catch let failure as ConformanceFailure {
            #expect(fault != .failNthOperation, "unexpected: \(failure)")
        } catch let error as StoreError {
            // The injected failure surfaces as the store's own error.
            #expect(fault == .failNthOperation && error.code == .io, "\(fault) failed for another reason: \(error)")
        }
    }

    @Test func everyFaultHasANegativeControl() {
        #expect(Set(Self.controls.map(\.0)) == Set(Fault.allCases))
    }

    @Test func crashBeforeSyncHoldsAcknowledgedCommitsUntilFlushed() throws {
        let store = FaultyStore(base: ReferenceStore(), plan: FaultPlan([.crashBeforeSync], commitsHeld: 4))
        let cf = try store.defaultColumnFamily()
        for i in 0..<3 { try store.write { try $0.put(bytes("k\(i)"), bytes("v"), in: cf) } }
        #expect(try store.base.read { try $0.scan(in: cf) }.isEmpty, "held commits reached the base store early")
        try store.write { try $0.put(bytes("k3"), bytes("v"), in: cf) }
        #expect(try store.base.read { try $0.scan(in: cf) }.count == 4, "a full group of held commits must be applied")
    }

    @Test func unknownFaultNamesAreRejectedWithTheValidOnes() {
        #expect(throws: StoreError.self) { try Fault.parse("lose-everything") }
        #expect((try? Fault.parse("bit-flips")) == .bitFlips)
    }
}
