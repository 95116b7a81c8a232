import Foundation
import StrataStore

/// How the conformance suite opens the store under test.
///
/// ```swift
/// let factory = StoreFactory(name: "lmdb") { dir in try LMDBStore(options: StoreOptions(path: dir)) }
/// @Test(arguments: StoreConformance.checks)
/// func lmdbConforms(_ check: ConformanceCheck) throws { try check.run(on: factory) }
/// ```
public struct StoreFactory: Sendable, CustomStringConvertible {
    /// A label for failure messages.
    public let name: String
    /// Whether data must survive close and reopen at the same directory.
    public let persistent: Bool
    /// Opens (or reopens) a store whose files live in `directory`, which exists and
    /// is removed after the check. An in-memory store ignores it.
    public let open: @Sendable (_ directory: String) throws -> any Store

    public init(name: String, persistent: Bool = true, open: @escaping @Sendable (_ directory: String) throws -> any Store) {
        self.name = name
        self.persistent = persistent
        self.open = open
    }

    public var description: String { name }
}

/// A violation of the Store contract found by a conformance check.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let check: String
    public let message: String
    public var description: String { "[\(check)] \(message)" }
}

/// What a check receives: the factory and a fresh directory.
public struct ConformanceContext {
    public let factory: StoreFactory
    public let directory: String
    let check: String

    /// Opens the store under test in this check's directory.
    public func open() throws -> any Store { try factory.open(directory) }

    /// Fails the check with `message`.
    public func fail(_ message: String) -> ConformanceFailure {
        ConformanceFailure(check: check, message: "\(factory.name): \(message)")
    }

    /// Fails the check unless `condition` holds.
    public func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw fail(message()) }
    }

    /// Fails unless `body` throws a `StoreError` with `code`.
    public func expectError<R>(_ code: StoreError.Code, _ what: String, _ body: () throws -> R) throws {
        do {
            _ = try body()
        } catch let error as StoreError {
            try expect(error.code == code, "\(what): expected \(code), got \(error)")
            return
        } catch {
            throw fail("\(what): expected StoreError \(code), got \(error)")
        }
        throw fail("\(what): expected \(code), but it succeeded")
    }
}

/// One named check of the Store contract.
public struct ConformanceCheck: Sendable, CustomStringConvertible, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (ConformanceContext) throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (ConformanceContext) throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }
    public var testDescription: String { name }

    /// Runs the check against a store from `factory`, in a temporary directory
    /// that is removed afterwards. Throws ``ConformanceFailure`` (or the store's
    /// own error) on a violation.
    public func run(on factory: StoreFactory) throws {
        let directory = try TemporaryDirectory.make(prefix: "strata-conformance-\(name)")
        defer { TemporaryDirectory.remove(directory) }
        try body(ConformanceContext(factory: factory, directory: directory, check: name))
    }
}

/// Lets Swift Testing print a check's name in parameterized test output
/// without this library importing Testing.
public protocol CustomTestStringConvertible {
    var testDescription: String { get }
}

/// Temporary directories for tests and suites.
public enum TemporaryDirectory {
    /// Creates a new, empty directory under the system's temporary directory.
    public static func make(prefix: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw StoreError(.io, "mkdtemp in \(base): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes `path` and everything below it; errors are ignored.
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// SplitMix64: a small, fast, seedable generator, so every random test can be
/// replayed from the seed it prints.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Bytes of a string, for readable test keys.
@inlinable
public func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A hex rendering of bytes for failure messages.
public func hex(_ b: [UInt8]?) -> String {
    guard let b else { return "nil" }
    if b.count > 24 { return b.prefix(24).map { String(format: "%02x", $0) }.joined() + "…(\(b.count) bytes)" }
    return b.map { String(format: "%02x", $0) }.joined()
}
