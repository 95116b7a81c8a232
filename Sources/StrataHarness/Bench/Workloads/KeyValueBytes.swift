import Synchronization

/// A key of fixed size holding a record number in zero-padded decimal:
///
/// ```
/// size 16, record 4711:  "0000000000004711"
/// ```
///
/// Byte order equals number order. The buffer is reused, so making a key
/// allocates nothing.
struct KeyBuffer {
    private(set) var bytes: [UInt8]

    init(size: Int) { bytes = Array(repeating: UInt8(ascii: "0"), count: size) }

    mutating func set(_ number: Int) {
        var n = number
        bytes.withUnsafeMutableBufferPointer { b in
            var i = b.count - 1
            while i >= 0 {
                b[i] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                i -= 1
            }
        }
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
}

/// Pseudo-random value bytes, made once per value size: a value is a window
/// into a 1 MiB buffer, so writing one allocates nothing.
final class ValueBytes: @unchecked Sendable {
    static let window = 1 << 20
    private static let cache = Mutex<[Int: ValueBytes]>([:])

    let size: Int
    private let storage: UnsafeMutableRawBufferPointer
    // Unchecked Sendable: the buffer is written once in init and only read
    // afterwards; the cache of instances is guarded by its Mutex.

    /// The shared bytes for values of `size`.
    static func shared(size: Int) -> ValueBytes {
        cache.withLock { c in
            if let v = c[size] { return v }
            let v = ValueBytes(size: size)
            c[size] = v
            return v
        }
    }

    private init(size: Int) {
        self.size = size
        storage = .allocate(byteCount: Self.window + size, alignment: 8)
        var random = StressRandom(seed: 0x5EED_0000 &+ UInt64(size))
        for i in 0..<storage.count { storage[i] = UInt8(truncatingIfNeeded: random.next()) }
    }

    deinit { storage.deallocate() }

    /// The value of operation `i`: `size` bytes at an offset that varies with `i`.
    func slice(_ i: Int) -> UnsafeRawBufferPointer {
        let offset = Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: i) &* 7919) & (Self.window - 1)
        return UnsafeRawBufferPointer(rebasing: storage[offset..<(offset + size)])
    }
}
