import Foundation
import Synchronization

/// Runs `body(0..<count)` on `count` threads at once and waits for all of them.
/// Rethrows the first error any of them threw.
public func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let errors = Mutex<[any Error]>([])
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            defer { done.leave() }
            do { try body(index) } catch { errors.withLock { $0.append(error) } }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
    done.wait()
    if let first = errors.withLock({ $0.first }) { throw first }
}

/// A value that one thread writes once and others read, for tests.
public final class Flag: Sendable {
    private let state = Atomic<Bool>(false)
    public init() {}
    public func set() { state.store(true, ordering: .releasing) }
    public var isSet: Bool { state.load(ordering: .acquiring) }
}

/// Little-endian UInt64 as 8 bytes, the counters' encoding in the checks.
public func encodeCounter(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

/// The inverse of ``encodeCounter(_:)``; nil unless exactly 8 bytes.
public func decodeCounter(_ b: [UInt8]?) -> UInt64? {
    guard let b, b.count == 8 else { return nil }
    return b.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
}
