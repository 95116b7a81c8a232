import Foundation
import Synchronization

/// What a check found while it ran on several threads: a count of violations
/// and the first few, described well enough to reproduce.
final class Findings: Sendable {
    private let first = Mutex<[String]>([])
    private let violations = Atomic<Int>(0)
    /// Set when a thread hit an error the check cannot go on after.
    let stop = Atomic<Bool>(false)

    var count: Int { violations.load(ordering: .relaxed) }
    var examples: [String] { first.withLock { $0 } }

    func report(_ message: String) {
        violations.add(1, ordering: .relaxed)
        first.withLock { if $0.count < 3 { $0.append(message) } }
    }

    func fail(_ error: any Error) {
        report("error: \(error)")
        stop.store(true, ordering: .relaxed)
    }

    /// "none", or the count and the first examples.
    func summary(_ what: String) -> String {
        count == 0 ? "" : "\(count) \(what): " + examples.joined(separator: "; ")
    }
}

/// Runs `body(index)` on `count` threads of its own and waits for all of them.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            body(index)
            done.leave()
        }
        thread.start()
    }
    done.wait()
}

/// Seconds since an arbitrary start, monotonic.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// An unsigned counter as 8 little-endian bytes.
func encodeUInt64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

/// Reads 8 little-endian bytes; nil for any other length.
func decodeUInt64(_ b: UnsafeRawBufferPointer?) -> UInt64? {
    guard let b, b.count == 8 else { return nil }
    return UInt64(littleEndian: b.loadUnaligned(as: UInt64.self))
}

/// Progress on stderr: phase, records done, rate and elapsed time, on one
/// line rewritten in place. Silent unless enabled (a terminal, no `CI`).
final class StressProgress: Sendable {
    let enabled: Bool
    private let state = Mutex<(label: String, total: Int, start: Double, lastDraw: Double)>(("", 0, 0, 0))
    private let done = Atomic<Int>(0)

    init(enabled: Bool) { self.enabled = enabled }

    /// Whether stderr is a terminal and `CI` is not set.
    static var wanted: Bool {
        isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    func begin(_ label: String, total: Int = 0) {
        guard enabled else { return }
        done.store(0, ordering: .relaxed)
        state.withLock { $0 = (label, total, now(), 0) }
        draw(force: true)
    }

    func advance(by n: Int = 1) {
        guard enabled else { return }
        done.add(n, ordering: .relaxed)
        draw(force: false)
    }

    func end() {
        guard enabled else { return }
        draw(force: true)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw(force: Bool) {
        let t = now()
        let line: String? = state.withLock { s in
            guard force || t - s.lastDraw >= 0.25 else { return nil }
            s.lastDraw = t
            let n = done.load(ordering: .relaxed)
            let elapsed = t - s.start
            let rate = elapsed > 0 ? Double(n) / elapsed : 0
            let of = s.total > 0 ? "/\(s.total)" : ""
            return "\r\u{1B}[K\(s.label)  \(n)\(of)  \(Int(rate))/s  \(String(format: "%.1f", elapsed))s"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
