import Testing

@testable import StrataDocument

/// `matchString(forKey:_:)`, the in-place string equality behind the
/// commonest filter, must answer exactly what reading the field does, and
/// step aside (nil) wherever the field is not a plain string or the bytes
/// before it are bad.
@Suite("RawDocument string match")
struct RawStringMatchTests {
    /// What the general path says: missing, or whether the string equals.
    static func expected(_ raw: RawDocument, _ key: String, _ text: String) throws -> RawDocument.StringFieldMatch? {
        guard let v = try raw.value(forKey: key) else { return .missing }
        guard v.type == .string else { return nil }
        return v.stringEquals(text) ? .equal : .unequal
    }

    @Test("agrees with reading the field on random documents")
    func agreesWithTheGeneralPath() throws {
        var g = ValueGenerator(seed: 0x5171)
        let keys = ["", "a", "b", "ab", "é", "status"]
        var answered = 0
        for _ in 0..<2_000 {
            var d = Document()
            // Repeated keys are allowed in BSON: the first one is the field.
            for _ in 0..<g.int(0...6) { d.append(keys[g.int(0...keys.count - 1)], g.value()) }
            // The generator's embedded keys may hold a NUL, which BSON cannot encode.
            guard let bytes = try? BSONEncoder().encode(d) else { continue }
            let raw = try RawDocument(bytes: bytes)
            for key in keys {
                let text = g.int(0...1) == 0 ? g.text() : (d[key]?.stringValue ?? "")
                let got = raw.matchString(forKey: key, text)
                #expect(got == (try Self.expected(raw, key, text)), "\(d.extendedJSON) \(key) \(text)")
                if got == .equal { answered += 1 }
            }
        }
        #expect(answered > 100)
    }

    @Test("steps aside for symbols and arrays, and for bad bytes before the field")
    func stepsAside() throws {
        let d: Document = ["s": .symbol("x"), "a": ["x"], "n": 1, "t": "x", "t2": "x"]
        let raw = try RawDocument(bytes: try BSONEncoder().encode(d))
        #expect(raw.matchString(forKey: "s", "x") == nil)
        #expect(raw.matchString(forKey: "a", "x") == nil)
        #expect(raw.matchString(forKey: "n", "x") == nil)
        #expect(raw.matchString(forKey: "t", "x") == .equal)
        #expect(raw.matchString(forKey: "t", "xx") == .unequal)
        #expect(raw.matchString(forKey: "t", "") == .unequal)
        #expect(raw.matchString(forKey: "zz", "x") == .missing)

        var bytes = try BSONEncoder().encode(["a": "xx", "b": "y"])
        bytes[7] = 0x40  // the string length of "a": far past the end
        let corrupt = try RawDocument(bytes: bytes)
        #expect(throws: DocumentError.self) { try corrupt.value(forKey: "b") }
        #expect(corrupt.matchString(forKey: "b", "y") == nil)

        // A bad terminator: a miss reaches it, so the general path throws and
        // this one steps aside; a field before it still answers.
        var stored = try BSONEncoder().encode(["a": "x"])
        stored[stored.count - 1] = 0x02
        let lazy = try RawDocument(storedBytes: stored)
        #expect(lazy.matchString(forKey: "missing", "x") == nil)
        #expect(lazy.matchString(forKey: "a", "x") == .equal)
    }
}
