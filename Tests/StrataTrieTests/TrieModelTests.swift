import StrataStore
import Testing

@testable import StrataTrie

/// Drives the trie and a plain dictionary with the same random operations.
@Suite("Trie against a reference model")
struct TrieModelTests {
    /// Bytes chosen so that keys share prefixes and hit both ends of the range.
    static let alphabet: [UInt8] = [0x00, 0x01, 0x61, 0xFE, 0xFF]

    static func randomKey(_ rng: inout SplitMix64) -> [UInt8] {
        let length = Int(rng.next() % 5)
        return (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
    }

    static func randomValue(_ rng: inout SplitMix64) -> [UInt8] {
        let length = Int(rng.next() % 4)  // includes empty values
        return (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static func randomBound(_ rng: inout SplitMix64) -> [UInt8]? {
        rng.next() % 5 == 0 ? nil : randomKey(&rng)
    }

    static func scan(_ trie: Trie, _ lower: [UInt8]?, _ upper: [UInt8]?, reverse: Bool) -> [([UInt8], [UInt8])] {
        var cursor = trie.makeCursor(lower: lower, upper: upper, reverse: reverse)
        var out: [([UInt8], [UInt8])] = []
        while cursor.next() { out.append((cursor.key, cursor.value)) }
        return out
    }

    static func modelScan(
        _ model: [[UInt8]: [UInt8]], _ lower: [UInt8]?, _ upper: [UInt8]?, reverse: Bool
    ) -> [([UInt8], [UInt8])] {
        let keys = model.keys.filter { k in
            (lower.map { !bytesLess(k, $0) } ?? true) && (upper.map { bytesLess(k, $0) } ?? true)
        }.sorted(by: bytesLess)
        let entries = keys.map { ($0, model[$0]!) }
        return reverse ? entries.reversed() : entries
    }

    @Test("random operations match a dictionary", arguments: [1 as UInt64, 42, 0xDEAD_BEEF, 2026])
    func randomOperations(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var trie = Trie()
        var model: [[UInt8]: [UInt8]] = [:]
        var snapshots: [(Trie, [[UInt8]: [UInt8]])] = []
        for step in 0..<12_000 {
            let roll = rng.next() % 100
            var mutated = true
            switch roll {
            case 0..<40:
                let k = Self.randomKey(&rng)
                let v = Self.randomValue(&rng)
                let added = k.withUnsafeBytes { kb in v.withUnsafeBytes { vb in trie.insert(kb, vb) } }
                #expect(added == (model[k] == nil), "seed \(seed) step \(step): insert \(hex(k))")
                model[k] = v
            case 40..<60:
                let k = Self.randomKey(&rng)
                let removed = k.withUnsafeBytes { trie.remove($0) }
                #expect(removed == (model.removeValue(forKey: k) != nil), "seed \(seed) step \(step): remove \(hex(k))")
            case 60..<65:
                let lo = Self.randomBound(&rng)
                let hi = Self.randomBound(&rng)
                let n = trie.removeRange(lower: lo, upper: hi)
                let doomed = Self.modelScan(model, lo, hi, reverse: false)
                for (k, _) in doomed { model[k] = nil }
                #expect(n == doomed.count, "seed \(seed) step \(step): removeRange")
            case 65..<80:
                mutated = false
                let k = Self.randomKey(&rng)
                let got = k.withUnsafeBytes { kb in trie.withValue(forKey: kb) { $0.map { Array($0) } } }
                #expect(got == model[k], "seed \(seed) step \(step): get \(hex(k))")
                // The same key as a prefix: counted from the subtree counts.
                let counted = k.withUnsafeBytes { trie.count(withPrefix: $0) }
                let expected = model.keys.filter { $0.starts(with: k) }.count
                #expect(counted == expected, "seed \(seed) step \(step): count(withPrefix: \(hex(k)))")
                // Batched lookups (interleaved walks): up to 40 keys, sorted
                // or not, present, missing, prefixes of others, repeated.
                var batch = (0..<Int(rng.next() % 40)).map { _ in Self.randomKey(&rng) }
                if rng.next() % 2 == 0 { batch.sort { $0.lexicographicallyPrecedes($1) } }
                if let first = batch.first { batch.append(first) }
                let values = Trie.values(forKeys: batch, from: Unmanaged.passUnretained(trie.root))
                #expect(values == batch.map { model[$0] }, "seed \(seed) step \(step): values(forKeys:)")
            default:
                mutated = false
                let lo = Self.randomBound(&rng)
                let hi = Self.randomBound(&rng)
                let reverse = rng.next() % 2 == 0
                let got = Self.scan(trie, lo, hi, reverse: reverse)
                let want = Self.modelScan(model, lo, hi, reverse: reverse)
                #expect(
                    got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1),
                    "seed \(seed) step \(step): scan [\(lo.map(hex) ?? "-"), \(hi.map(hex) ?? "-")) reverse \(reverse)"
                )
            }
            if mutated {
                let problems = trie.invariantViolations()
                #expect(problems.isEmpty, "seed \(seed) step \(step): \(problems)")
                #expect(trie.count == model.count, "seed \(seed) step \(step): count")
                if !problems.isEmpty { return }
            }
            if step % 1000 == 0 { snapshots.append((trie, model)) }
        }
        // Every snapshot taken along the way still holds what it held then.
        for (i, (old, oldModel)) in snapshots.enumerated() {
            let got = Self.scan(old, nil, nil, reverse: false)
            let want = Self.modelScan(oldModel, nil, nil, reverse: false)
            #expect(
                got.map(\.0) == want.map(\.0) && got.map(\.1) == want.map(\.1), "seed \(seed): snapshot \(i) changed")
            #expect(old.invariantViolations().isEmpty, "seed \(seed): snapshot \(i) invariants")
        }
    }

    @Test("a copy of the trie is unchanged by later writes to the original")
    func snapshotIsolation() {
        var trie = Trie()
        func put(_ k: String, _ v: String) {
            Array(k.utf8).withUnsafeBytes { kb in Array(v.utf8).withUnsafeBytes { vb in _ = trie.insert(kb, vb) } }
        }
        for i in 0..<200 { put("key\(i)", "v\(i)") }
        let before = trie
        let contents = Self.scan(before, nil, nil, reverse: false)
        for i in 0..<200 where i % 3 == 0 { put("key\(i)", "changed") }
        for i in 0..<200 where i % 3 == 1 { _ = Array("key\(i)".utf8).withUnsafeBytes { trie.remove($0) } }
        put("ke", "split")
        _ = trie.removeRange(lower: Array("key5".utf8), upper: Array("key7".utf8))
        let after = Self.scan(before, nil, nil, reverse: false)
        #expect(after.map(\.0) == contents.map(\.0))
        #expect(after.map(\.1) == contents.map(\.1))
        #expect(before.count == 200)
        #expect(before.invariantViolations().isEmpty)
        #expect(trie.invariantViolations().isEmpty)
    }

    @Test("the invariant check reports a corrupted node")
    func invariantCheckFails() {
        var trie = Trie()
        for k in ["a", "ab", "b"] {
            Array(k.utf8).withUnsafeBytes { kb in [1].withUnsafeBytes { vb in _ = trie.insert(kb, vb) } }
        }
        #expect(trie.invariantViolations().isEmpty)
        trie.root.count += 1
        #expect(!trie.invariantViolations().isEmpty)
        trie.root.count -= 1
        trie.root.firstBytes.swapAt(0, 1)
        #expect(!trie.invariantViolations().isEmpty)
    }
}

@Suite("CRC32C")
struct CRC32CTests {
    @Test("matches the standard check value and is incremental")
    func knownValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            var crc = CRC32C()
            data[..<split].withUnsafeBytes { crc.update($0) }
            data[split...].withUnsafeBytes { crc.update($0) }
            #expect(crc.value == CRC32C.checksum(data))
        }
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }
}
