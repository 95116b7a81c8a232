@testable import StrataWire

/// A small deterministic generator (SplitMix64) so failures reproduce from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func encode(_ value: MessagePackValue) -> [UInt8] { MessagePackEncoder.encode(value) }

func decode(_ bytes: [UInt8], maxDepth: Int = MessagePackDecoder.defaultMaxDepth) throws -> MessagePackValue {
    try MessagePackDecoder(maxDepth: maxDepth).decode(bytes)
}

/// The error `body` throws as a `WireError`, or nil.
func wireError(_ body: () throws -> Void) -> WireError? {
    do {
        try body()
        return nil
    } catch let error as WireError {
        return error
    } catch {
        return nil
    }
}

/// A random value of bounded size and depth covering every case.
func randomValue(_ rng: inout SeededGenerator, depth: Int = 0) -> MessagePackValue {
    let kind = Int.random(in: 0..<(depth >= 3 ? 12 : 14), using: &rng)
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    let lengths = [0, 1, 2, 4, 8, 15, 16, 31, 32, 255, 256]
    switch kind {
    case 0: return .nil
    case 1: return .bool(Bool.random(using: &rng))
    case 2:
        let shift = Int.random(in: 0..<64, using: &rng)
        return .int(Int64(bitPattern: rng.next()) >> shift)
    case 3: return .uint(rng.next() >> Int.random(in: 0..<64, using: &rng))
    case 4: return .float32(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())))
    case 5: return .float64(Double(bitPattern: rng.next()))
    case 6:
        let n = lengths.randomElement(using: &rng)!
        let scalars = ["a", "é", "ж", "ひ", "🍺", "\u{0}"]
        return .string(String((0..<n).map { _ in scalars.randomElement(using: &rng)! }.joined().prefix(n)))
    case 7: return .binary(bytes(lengths.randomElement(using: &rng)!))
    case 8:
        var t: Int8
        repeat { t = Int8(truncatingIfNeeded: rng.next()) } while t == -1
        return .ext(type: t, data: bytes([0, 1, 2, 3, 4, 5, 8, 16, 17, 300].randomElement(using: &rng)!))
    case 9:
        let seconds = Int64(bitPattern: rng.next()) >> Int.random(in: 0..<64, using: &rng)
        let nanos = Bool.random(using: &rng) ? 0 : UInt32.random(in: 0..<1_000_000_000, using: &rng)
        return .timestamp(seconds: seconds, nanoseconds: nanos)
    case 10: return .int(Int64.random(in: -40...200, using: &rng))
    case 11: return .string("k\(Int.random(in: 0..<100, using: &rng))")
    case 12: return .array((0..<Int.random(in: 0..<20, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
        return .map(
            (0..<Int.random(in: 0..<20, using: &rng)).map { _ in
                (randomValue(&rng, depth: depth + 1), randomValue(&rng, depth: depth + 1))
            })
    }
}
