import StrataStore

/// The Store contract as executable checks, run unchanged against every backend.
///
/// A backend proves itself in a few lines of Swift Testing:
///
/// ```swift
/// @Test(arguments: StoreConformance.checks)
/// func conforms(_ check: ConformanceCheck) throws {
///     try check.run(on: StoreFactory(name: "mine") { dir in try MyStore(options: .init(path: dir)) })
/// }
/// ```
public enum StoreConformance {
    /// Every check, in a stable order.
    public static let checks: [ConformanceCheck] = basicChecks + scanChecks + concurrencyChecks + lifecycleChecks + modelChecks

    /// The check called `name`, for running one by hand.
    public static func check(named name: String) -> ConformanceCheck? {
        checks.first { $0.name == name }
    }

    /// Runs every check and returns the failures (empty when the backend conforms).
    public static func runAll(on factory: StoreFactory) -> [any Error] {
        var failures: [any Error] = []
        for check in checks {
            do { try check.run(on: factory) } catch { failures.append(error) }
        }
        return failures
    }
}
