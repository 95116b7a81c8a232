import StrataHarness
import Testing

@Suite("Stress value codec")
struct StressRecordTests {
    let key = StressRecord.recordKey(42)
    let seed: UInt64 = 99

    func verdict(_ value: [UInt8], key: [UInt8]) -> StressRecord.Verdict {
        value.withUnsafeBytes { v in key.withUnsafeBytes { StressRecord.verify(v, key: $0, seed: seed) } }
    }

    @Test func roundTripsAtEverySize() {
        for size in [0, 1, 18, 33, 34, 100, 1024, 4099] {
            let value = StressRecord.encode(key: key, version: 7, seed: seed, valueSize: size)
            #expect(value.count == max(size, 18 + key.count))
            #expect(verdict(value, key: key) == .valid(version: 7))
            #expect(StressRecord.problem(value, key: key, version: 7, seed: seed) == nil)
        }
    }

    @Test func detectsAFlippedBitAnywhere() {
        let value = StressRecord.encode(key: key, version: 3, seed: seed, valueSize: 96)
        for bit in 0..<value.count * 8 {
            var flipped = value
            flipped[bit / 8] ^= UInt8(1 << (bit % 8))
            if case .valid = verdict(flipped, key: key) { Issue.record("flip of bit \(bit) went unnoticed") }
        }
    }

    @Test func detectsAWrongKeyVersionSeedOrLength() {
        let value = StressRecord.encode(key: key, version: 3, seed: seed, valueSize: 128)
        if case .valid = verdict(value, key: StressRecord.recordKey(43)) { Issue.record("wrong key accepted") }
        #expect(StressRecord.problem(value, key: key, version: 4, seed: seed) == "expected version 4, found 3")
        #expect(StressRecord.problem(value, key: key, version: 3, seed: seed + 1) != nil)
        #expect(StressRecord.problem(Array(value.dropLast()), key: key, version: 3, seed: seed) != nil)
        #expect(StressRecord.problem(nil, key: key, version: 3, seed: seed) == "missing")
    }

    @Test func recordKeysSortInIndexOrder() {
        let keys = [0, 9, 10, 999, 1000, 500_000].map(StressRecord.recordKey)
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
