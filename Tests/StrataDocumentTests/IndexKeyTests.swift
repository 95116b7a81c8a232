import Testing

@testable import StrataDocument

@Suite("Index key encoding")
struct IndexKeyTests {
    static func memcmpSign(_ a: [UInt8], _ b: [UInt8]) -> Int { Value.compareBytes(a, b) }

    @Test("memcmp of encodings agrees with Value.compare for seeded random pairs", arguments: [1, 2, 3, 4] as [UInt64])
    func orderProperty(seed: UInt64) {
        var generator = ValueGenerator(seed: seed)
        var failures = 0
        for _ in 0..<5000 {
            let a = generator.value()
            let b = Bool.random(using: &generator.rng) ? generator.value() : a
            let expected = Value.compare(a, b).signum()
            let actual = Self.memcmpSign(IndexKey.encode(a), IndexKey.encode(b))
            if expected != actual && failures < 5 {
                failures += 1
                Issue.record("seed \(seed): compare(\(a), \(b)) = \(expected) but memcmp = \(actual)")
            }
        }
    }

    @Test("Value.compare is antisymmetric and transitive on seeded random triples")
    func totalOrder() {
        var generator = ValueGenerator(seed: 7)
        for _ in 0..<3000 {
            let a = generator.value()
            let b = generator.value()
            let c = generator.value()
            #expect(Value.compare(a, b) == -Value.compare(b, a), "\(a) vs \(b)")
            if Value.compare(a, b) <= 0 && Value.compare(b, c) <= 0 {
                #expect(Value.compare(a, c) <= 0, "\(a) ≤ \(b) ≤ \(c)")
            }
        }
    }

    @Test("decoding an encoding gives a value that compares equal and re-encodes identically")
    func decodeRoundTrip() throws {
        var generator = ValueGenerator(seed: 11)
        for _ in 0..<3000 {
            let v = generator.value()
            let encoded = IndexKey.encode(v)
            let decoded = try IndexKey.decode(encoded)
            #expect(Value.compare(v, decoded) == 0, "\(v) → \(decoded)")
            #expect(IndexKey.encode(decoded) == encoded)
        }
    }

    @Test("equal numbers of different types encode identically")
    func numbersUnify() {
        #expect(IndexKey.encode(.int32(5)) == IndexKey.encode(.int64(5)))
        #expect(IndexKey.encode(.int64(5)) == IndexKey.encode(.double(5)))
        #expect(IndexKey.encode(.double(0)) == IndexKey.encode(.double(-0.0)))
        #expect(Self.memcmpSign(IndexKey.encode(.double(.nan)), IndexKey.encode(.double(-.infinity))) < 0)
    }

    @Test("int64 values beyond 2^53 that share a double are still ordered")
    func largeIntegers() throws {
        let big: Int64 = 1 << 60
        let values: [Value] = [.int64(big - 1), .int64(big), .double(Double(big)), .int64(big + 1), .int64(Int64.max)]
        for i in 0..<values.count - 1 {
            let c = Value.compare(values[i], values[i + 1])
            let m = Self.memcmpSign(IndexKey.encode(values[i]), IndexKey.encode(values[i + 1]))
            #expect(c == m)
        }
        #expect(try IndexKey.decode(IndexKey.encode(.int64(big + 1))) == .int64(big + 1))
        #expect(try IndexKey.decode(IndexKey.encode(.int64(.max))) == .int64(.max))
        #expect(try IndexKey.decode(IndexKey.encode(.int64(.min))) == .double(-9_223_372_036_854_775_808.0))
    }

    @Test("strings: prefixes first, NUL escaped, byte order")
    func strings() {
        let ordered = ["", "\0", "\0\0", "a", "a\0", "a\0b", "ab", "b", "é"]
        for i in 0..<ordered.count - 1 {
            #expect(
                Self.memcmpSign(IndexKey.encode(.string(ordered[i])), IndexKey.encode(.string(ordered[i + 1]))) < 0,
                "\(ordered[i].debugDescription) < \(ordered[i + 1].debugDescription)")
        }
        #expect(IndexKey.encode("a") == [0x14, 0x61, 0x00, 0x00])
        #expect(IndexKey.encode("a\0") == [0x14, 0x61, 0x00, 0xFF, 0x00, 0x00])
    }

    @Test("type brackets sort in the documented order")
    func brackets() {
        let ordered: [Value] = [
            .minKey, .null, .int32(1), "s", ["k": 1], [1], .binary(Binary(bytes: [])),
            .objectId(ObjectId(bytes: Array(repeating: 0, count: 12))), false, .datetime(0),
            .timestamp(Timestamp(seconds: 0, increment: 0)), .regex(RegularExpression(pattern: "x")), .maxKey,
        ]
        for i in 0..<ordered.count - 1 {
            #expect(Value.compare(ordered[i], ordered[i + 1]) < 0)
            #expect(Self.memcmpSign(IndexKey.encode(ordered[i]), IndexKey.encode(ordered[i + 1])) < 0)
        }
    }

    @Test("malformed index keys throw instead of trapping")
    func malformed() {
        let valid = IndexKey.encode(["a": ["b", 1, 2.5], "c": .binary(Binary(bytes: [1, 2]))])
        for cut in 0..<valid.count {
            #expect(throws: DocumentError.self) { try IndexKey.decode(Array(valid[0..<cut])) }
        }
        #expect(throws: DocumentError.self) { try IndexKey.decode([0x77]) }
    }
}
