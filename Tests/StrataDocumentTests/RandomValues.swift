@testable import StrataDocument

/// SplitMix64: a small seeded generator so failures can be replayed from the printed seed.
struct SeededRandom: RandomNumberGenerator {
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

/// Random values biased towards the edges the order cares about: numbers of
/// every type around 0, ±2^53 and ±2^63, NaN and ±0, short strings over a tiny
/// alphabet (so prefixes and NULs collide), small nested documents and arrays.
struct ValueGenerator {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...3, using: &rng) } }

    mutating func text() -> String {
        let alphabet: [String] = ["", "a", "b", "\0", "é", "z", "ab"]
        return (0..<int(0...3)).map { _ in alphabet[int(0...alphabet.count - 1)] }.joined()
    }

    mutating func integer() -> Int64 {
        let bases: [Int64] = [0, 1, -1, 1 << 53, -(1 << 53), Int64.max, Int64.min, 1 << 62, 1000]
        return bases[int(0...bases.count - 1)] &+ Int64(int(-3...3))
    }

    mutating func double() -> Double {
        switch int(0...6) {
        case 0: return [Double.nan, .infinity, -.infinity, 0.0, -0.0, 0.5, -0.5][int(0...6)]
        case 1: return Double(integer())
        case 2: return Double(integer()) + [0.5, -0.5, 0.25][int(0...2)]
        default: return Double(int(-4...4)) / 2
        }
    }

    mutating func value(depth: Int = 0) -> Value {
        let top = depth >= 2 ? 18 : 20
        switch int(0...top) {
        case 0: return .minKey
        case 1: return .maxKey
        case 2: return [.null, .undefined][int(0...1)]
        case 3, 4: return .int32(Int32(truncatingIfNeeded: integer() % 5))
        case 5, 6: return .int64(integer())
        case 7, 8: return .double(double())
        case 9: return .string(text())
        case 10: return .symbol(text())
        case 11: return .binary(Binary(subtype: UInt8(int(0...2)), bytes: bytes(int(0...2))))
        case 12: return .objectId(ObjectId(bytes: bytes(12)))
        case 13: return .bool(int(0...1) == 1)
        case 14: return .datetime(integer())
        case 15: return .timestamp(Timestamp(seconds: UInt32(int(0...2)), increment: UInt32(int(0...2))))
        case 16: return .regex(RegularExpression(pattern: text(), options: ["", "i", "im"][int(0...2)]))
        case 17: return .javascript(text())
        case 18: return .dbPointer(namespace: text(), id: ObjectId(bytes: bytes(12)))
        case 19: return .array((0..<int(0...2)).map { _ in value(depth: depth + 1) })
        default:
            var d = Document()
            for _ in 0..<int(0...2) { d.append(["a", "b", "", "a\0"][int(0...3)], value(depth: depth + 1)) }
            return .document(d)
        }
    }
}
