import Testing

@testable import StrataDocument

@Suite("BSON codec")
struct BSONTests {
    static let oid = ObjectId(hex: "5f1d4af4a1dfce7a00000001")!

    static let everyType: Document = [
        "null": .null, "undefined": .undefined, "min": .minKey, "max": .maxKey,
        "t": true, "f": false,
        "i32": .int32(-7), "i64": .int64(1 << 40), "d": 2.5, "nan": .double(.nan), "negzero": .double(-0.0),
        "dec": .decimal128(Decimal128(bytes: [1] + Array(repeating: 0, count: 13) + [0x40, 0x30])),
        "s": "héllo\0world", "empty": "",
        "bin": .binary(Binary(subtype: 4, bytes: Array(0..<16))),
        "old": .binary(Binary(subtype: 2, bytes: [0xFF, 0xEE])),
        "oid": .objectId(oid), "date": .datetime(-1_000), "ts": .timestamp(Timestamp(seconds: 7, increment: 9)),
        "re": .regex(RegularExpression(pattern: "^a.*", options: "im")),
        "arr": [1, "two", [3], ["four": 4]], "doc": ["x": ["y": .null]],
        "js": .javascript("function() {}"),
        "jsScope": .javascriptWithScope(code: "x", scope: ["x": 1]),
        "sym": .symbol("sym"), "ptr": .dbPointer(namespace: "db.c", id: oid),
    ]

    @Test("every value type round-trips through BSON")
    func everyTypeRoundTrips() throws {
        let bytes = try BSONEncoder().encode(Self.everyType)
        let decoded = try BSONDecoder().decode(bytes)
        #expect(decoded == Self.everyType)
        #expect(decoded.keys == Self.everyType.keys)
        #expect(try BSONEncoder().encode(decoded) == bytes)
    }

    @Test("the layout matches bsonspec.org byte for byte")
    func knownBytes() throws {
        // {"hello": "world"} from bsonspec.org.
        let expected: [UInt8] = [
            0x16, 0, 0, 0, 0x02, 0x68, 0x65, 0x6C, 0x6C, 0x6F, 0, 0x06, 0, 0, 0, 0x77, 0x6F, 0x72, 0x6C, 0x64, 0, 0,
        ]
        #expect(try BSONEncoder().encode(["hello": "world"]) == expected)
        #expect(try BSONDecoder().decode(expected) == ["hello": "world"])
    }

    @Test("a document truncated at every byte offset throws corrupt, never traps")
    func truncation() throws {
        let bytes = try BSONEncoder().encode(Self.everyType)
        for cut in 0..<bytes.count {
            #expect(throws: DocumentError.self) { try BSONDecoder().decode(bytes[0..<cut]) }
            // Also with the outer length patched to the truncated size: the
            // inner elements are then cut short (or, at an element boundary,
            // the result is a valid shorter document); either way no trap.
            if cut >= 5 {
                var patched = Array(bytes[0..<cut])
                patched[0] = UInt8(cut & 0xFF)
                patched[1] = UInt8(cut >> 8)
                patched[cut - 1] = 0
                if let decoded = try? BSONDecoder().decode(patched) {
                    #expect(decoded.count < Self.everyType.count)
                }
                _ = try? RawDocument(bytes: patched).value(atPath: "doc.x.y")
            }
        }
    }

    @Test("every single-byte corruption either decodes or throws, never traps")
    func flippedBytes() throws {
        let bytes = try BSONEncoder().encode(Self.everyType)
        for i in 0..<bytes.count {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                var corrupted = bytes
                corrupted[i] = value
                _ = try? BSONDecoder().decode(corrupted)
                _ = try? RawDocument(bytes: corrupted).value(atPath: "arr.3.four")
            }
        }
    }

    @Test(
        "malformed inputs are rejected, saying what and where",
        arguments: [
            ("empty input", "", "truncated int32 at offset 0"),
            ("length below 5", "0400000000", "bad document length 4 at offset 0"),
            ("length past the end", "0600000000", "bad document length 6 at offset 0"),
            ("missing terminator", "0500000001", "not terminated by 0x00 at offset 4"),
            ("trailing bytes", "050000000000", "1 bytes after the document at offset 5"),
            ("boolean byte 2", "090000000862000200", "boolean byte 2 is neither 0 nor 1 at offset 7"),
            ("unknown type 0x14", "090000001461000000", "unknown BSON type 0x14 at offset 4"),
            ("key without NUL", "0900000010616161" + "00", "C string without a terminating NUL at offset 5"),
            ("invalid UTF-8 in a key", "0D00000010C3280001000000" + "00", "invalid UTF-8 at offset 5"),
            ("invalid UTF-8 in a string", "0F00000002610003000000C3280000", "invalid UTF-8 at offset 11"),
            ("string length 0", "0D000000026100000000000000", "bad string length 0 at offset 7"),
            ("terminator before the declared end", "0A0000000000000000000000", "at offset"),
            ("embedded length past its parent", "0D000000036100060000000000" + "00", "bad document length"),
        ])
    func malformed(_ name: String, _ hex: String, _ expected: String) throws {
        let bytes = try #require(Hex.decode(hex))
        do {
            _ = try BSONDecoder().decode(bytes)
            Issue.record("\(name): decoded without error")
        } catch {
            #expect(error.code == .corrupt, "\(name)")
            #expect(error.message.contains(expected), "\(name): \(error.message)")
        }
    }

    static func nested(_ depth: Int) -> Document {
        var d: Document = ["leaf": 1]
        for _ in 1..<depth { d = ["d": .document(d)] }
        return d
    }

    @Test("nesting deeper than 100 levels is rejected on encode and decode")
    func depthLimit() throws {
        let ok = try BSONEncoder().encode(Self.nested(100))
        #expect(try BSONDecoder().decode(ok) == Self.nested(100))
        #expect {
            _ = try BSONEncoder().encode(Self.nested(101))
        } throws: { ($0 as? DocumentError)?.code == .tooDeep }
        // Bytes 101 deep, built with a raised limit, must not decode with the default one.
        let deep = try BSONEncoder(limits: BSONLimits(maxDepth: 200)).encode(Self.nested(101))
        #expect {
            _ = try BSONDecoder().decode(deep)
        } throws: { ($0 as? DocumentError)?.code == .tooDeep }
        // Arrays count as levels too.
        var a: Value = 1
        for _ in 0..<100 { a = [a] }
        #expect(throws: DocumentError.self) { try BSONEncoder().encode(["a": a]) }
    }

    @Test("documents over 16 MiB are rejected on encode and decode")
    func sizeLimit() throws {
        let chunk = Binary(bytes: Array(repeating: 0xAB, count: 4 * 1024 * 1024))
        var big = Document()
        for i in 0..<4 { big.append("b\(i)", .binary(chunk)) }
        #expect {
            _ = try BSONEncoder().encode(big)
        } throws: { ($0 as? DocumentError)?.code == .tooLarge }
        let bytes = try BSONEncoder(limits: BSONLimits(maxSize: 32 * 1024 * 1024)).encode(big)
        #expect(bytes.count > 16 * 1024 * 1024)
        #expect {
            _ = try BSONDecoder().decode(bytes)
        } throws: { ($0 as? DocumentError)?.code == .tooLarge }
        #expect(throws: DocumentError.self) { try RawDocument(bytes: bytes) }
        // Just under the limit works.
        big.removeValue(forKey: "b3")
        #expect(try BSONDecoder().decode(try BSONEncoder().encode(big)).count == 3)
    }

    @Test("errors match their code in a catch pattern")
    func catchByCode() {
        do {
            _ = try BSONDecoder().decode([0x05, 0, 0, 0, 0x01])
            Issue.record("decoded a document without its terminator")
        } catch DocumentError.Code.corrupt {
            // expected
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("keys and regex parts with NUL bytes cannot be encoded")
    func nulInKey() {
        #expect {
            _ = try BSONEncoder().encode(["a\0b": 1])
        } throws: { ($0 as? DocumentError)?.code == .invalidKey }
        #expect(throws: DocumentError.self) {
            try BSONEncoder().encode(["r": .regex(RegularExpression(pattern: "a\0"))])
        }
        #expect(throws: DocumentError.self) {
            try BSONEncoder().encode(["n": ["deep\0": 1]])
        }
    }

    @Test("dot paths reach through embedded documents and arrays")
    func dotPaths() {
        let d: Document = ["a": ["b": [["c": 1], ["c": 2, "d": [10, 20]]]], "x.y": "dotted"]
        #expect(d[path: "a.b.0.c"] == 1)
        #expect(d[path: "a.b.1.c"] == 2)
        #expect(d[path: "a.b.1.d.1"] == 20)
        #expect(d[path: "a.b.2"] == nil)
        #expect(d[path: "a.b.01"] == nil)
        #expect(d[path: "a.b.c"] == nil)
        #expect(d[path: "a.b.0.c.z"] == nil)
        #expect(d[path: "x.y"] == nil)
        #expect(d["x.y"] == "dotted")
    }

    @Test("setValue(atPath:) writes through documents and arrays, creating what is missing")
    func setPaths() throws {
        var d: Document = ["a": ["b": [1, ["c": 2]]], "s": "x"]
        try d.setValue(5, atPath: "a.b.1.c")
        #expect(d[path: "a.b.1.c"] == 5)
        try d.setValue("new", atPath: "n.m.o")
        #expect(d[path: "n.m.o"] == "new")
        try d.setValue(true, atPath: "a.b.3")
        #expect(d[path: "a.b"] == [1, ["c": 5], .null, true])
        try d.setValue(nil, atPath: "a.b.0")
        #expect(d[path: "a.b.0"] == .null)
        try d.setValue(nil, atPath: "n.m")
        #expect(d[path: "n"] == .document([:]))
        try d.setValue(nil, atPath: "missing.path")
        #expect(d["missing"] == nil)
        #expect(throws: DocumentError.self) { try d.setValue(1, atPath: "s.x") }
        #expect(throws: DocumentError.self) { try d.setValue(1, atPath: "a.b.x") }
        #expect(throws: DocumentError.self) { try d.setValue(1, atPath: "a..b") }
        #expect(d.keys == ["a", "s", "n"])
    }

    @Test("Document keeps insertion order and replaces in place")
    func documentOrder() {
        var d: Document = ["z": 1, "a": 2]
        d["m"] = 3
        d["z"] = 9
        #expect(d.keys == ["z", "a", "m"])
        #expect(d["z"] == 9)
        d["a"] = nil
        #expect(d.keys == ["z", "m"])
    }
}

@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    @Test("agrees with the standard library on seeded random byte strings")
    func agreesWithStandardLibrary() {
        var rng = SeededRandom(seed: 3)
        let interesting: [UInt8] = [
            0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x90,
            0x8F,
        ]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                Bool.random(using: &rng)
                    ? interesting[Int.random(in: 0..<interesting.count, using: &rng)]
                    : UInt8.random(in: 0...255, using: &rng)
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            bytes.withUnsafeBytes { #expect(UTF8Validation.isValid($0) == expected, "\(bytes)") }
        }
    }
}
