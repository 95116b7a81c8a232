/// The value codec of the stress suite: every value carries its key, a
/// version and a checksum, so a read can prove it got exactly the bytes that
/// were written for that key and version.
///
/// ```
///  0       4       6            6+k          14+k              n-4      n
///  ┌───────┬───────┬────────────┬────────────┬─────────────────┬────────┐
///  │ magic │ k u16 │ key        │ version u64│ payload         │ crc32c │
///  │ "STRS"│  LE   │ (k bytes)  │     LE     │ f(key,ver,seed) │  LE    │
///  └───────┴───────┴────────────┴────────────┴─────────────────┴────────┘
/// ```
/// `n` is the requested value size, or the header alone when that is larger.
/// The payload is a pseudo-random stream seeded by (key, version, seed); the
/// checksum covers every byte before it.
public enum StressRecord {
    static let magic: [UInt8] = [0x53, 0x54, 0x52, 0x53]
    static let overhead = 4 + 2 + 8 + 4

    /// What reading a value found.
    public enum Verdict: Equatable, Sendable {
        /// The value is intact, for the expected key, at this version.
        case valid(version: UInt64)
        /// The value is not what was written: why, in a few words.
        case invalid(String)

        public var version: UInt64? {
            if case .valid(let v) = self { return v }
            return nil
        }
    }

    /// The size of an encoded value for `keyCount` key bytes at `valueSize`.
    public static func encodedSize(keyCount: Int, valueSize: Int) -> Int {
        max(valueSize, overhead + keyCount)
    }

    /// Encodes the value for `key` at `version`, `valueSize` bytes long (or the
    /// header alone when that is longer).
    public static func encode(key: [UInt8], version: UInt64, seed: UInt64, valueSize: Int) -> [UInt8] {
        precondition(key.count <= Int(UInt16.max), "stress keys are shorter than 64 KiB")
        let size = encodedSize(keyCount: key.count, valueSize: valueSize)
        var out = [UInt8](repeating: 0, count: size)
        out.withUnsafeMutableBytes { buffer in
            var at = 0
            for b in magic { buffer[at] = b; at += 1 }
            buffer.storeBytes(of: UInt16(key.count).littleEndian, toByteOffset: at, as: UInt16.self)
            at += 2
            for b in key { buffer[at] = b; at += 1 }
            buffer.storeBytes(of: version.littleEndian, toByteOffset: at, as: UInt64.self)
            at += 8
            var stream = PayloadStream(key: key, version: version, seed: seed)
            let end = size - 4
            while at < end {
                let word = stream.next()
                var i = 0
                while i < 8 && at < end {
                    buffer[at] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i)))
                    at += 1
                    i += 1
                }
            }
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.storeBytes(of: crc.littleEndian, toByteOffset: end, as: UInt32.self)
        }
        return out
    }

    /// Checks `value` byte for byte against what ``encode(key:version:seed:valueSize:)``
    /// writes for `key`, at any version; returns that version, or why it is wrong.
    public static func verify(_ value: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, seed: UInt64) -> Verdict {
        let n = value.count
        guard n >= overhead else { return .invalid("value of \(n) bytes is shorter than the \(overhead)-byte header") }
        for i in 0..<4 where value[i] != magic[i] { return .invalid("bad magic") }
        let end = n - 4
        let stored = UInt32(littleEndian: value.loadUnaligned(fromByteOffset: end, as: UInt32.self))
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: value[0..<end]))
        guard stored == computed else {
            return .invalid("checksum mismatch (stored \(hex32(stored)), computed \(hex32(computed)))")
        }
        let keyCount = Int(UInt16(littleEndian: value.loadUnaligned(fromByteOffset: 4, as: UInt16.self)))
        guard overhead + keyCount <= n else { return .invalid("key length \(keyCount) overruns the value") }
        let storedKey = UnsafeRawBufferPointer(rebasing: value[6..<6 + keyCount])
        guard storedKey.elementsEqual(key) else {
            return .invalid("value carries key \(printable(Array(storedKey))), not \(printable(Array(key)))")
        }
        let version = UInt64(littleEndian: value.loadUnaligned(fromByteOffset: 6 + keyCount, as: UInt64.self))
        var stream = PayloadStream(key: Array(key), version: version, seed: seed)
        var at = 14 + keyCount
        while at < end {
            let word = stream.next()
            var i = 0
            while i < 8 && at < end {
                if value[at] != UInt8(truncatingIfNeeded: word >> (8 * UInt64(i))) {
                    return .invalid("payload differs at byte \(at)")
                }
                at += 1
                i += 1
            }
        }
        return .valid(version: version)
    }

    /// Checks `value` against `key` at exactly `version`; nil when it matches.
    public static func problem(_ value: [UInt8]?, key: [UInt8], version: UInt64, seed: UInt64) -> String? {
        guard let value else { return "missing" }
        let verdict = value.withUnsafeBytes { v in key.withUnsafeBytes { verify(v, key: $0, seed: seed) } }
        switch verdict {
        case .invalid(let why): return why
        case .valid(let found) where found != version: return "expected version \(version), found \(found)"
        case .valid: return nil
        }
    }

    /// The key of record `index` of the load: `rec` and 12 decimal digits, so
    /// that key order is index order.
    public static func recordKey(_ index: Int) -> [UInt8] {
        key(prefix: "rec", index)
    }

    /// `prefix` followed by `index` in 12 zero-padded decimal digits.
    public static func key(prefix: String, _ index: Int) -> [UInt8] {
        var out = Array(prefix.utf8)
        var digits = [UInt8](repeating: 0x30, count: 12)
        var v = index
        var i = 11
        while v > 0 && i >= 0 {
            digits[i] = 0x30 + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        out += digits
        return out
    }
}

/// Renders a key for a message: text when printable, else hex.
func printable(_ bytes: [UInt8]) -> String {
    if bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) { return String(decoding: bytes, as: UTF8.self) }
    return "0x"
        + bytes.map { b in
            let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s
        }.joined()
}

func hex32(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

/// The payload's pseudo-random words: SplitMix64 seeded by key, version and seed.
struct PayloadStream {
    var state: UInt64

    init(key: [UInt8], version: UInt64, seed: UInt64) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        state = h ^ (version &* 0x9E37_79B9_7F4A_7C15) ^ (seed &* 0xD6E8_FEB8_6659_FD93)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A seeded random number generator (SplitMix64) for the stress threads.
public struct StressRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// CRC-32C (Castagnoli), table driven; detects every single-bit error.
enum CRC32C {
    static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        }
        return ~crc
    }
}
