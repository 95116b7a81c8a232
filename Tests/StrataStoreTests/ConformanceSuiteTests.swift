import StrataStore
import StrataStoreTesting
import Testing

/// The suite itself must pass on the plainest correct store.
@Suite("Conformance suite on the reference store")
struct ConformanceSuiteTests {
    static let factory = StoreFactory(name: "reference", persistent: false) { _ in ReferenceStore() }

    @Test(arguments: StoreConformance.checks)
    func referenceConforms(_ check: ConformanceCheck) throws {
        try check.run(on: Self.factory)
    }
}
