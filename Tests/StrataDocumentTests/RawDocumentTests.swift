import Testing

@testable import StrataDocument

@Suite("RawDocument")
struct RawDocumentTests {
    static let document: Document = [
        "name": "ada", "age": 36, "big": .int64(1 << 40), "score": 9.5, "ok": true,
        "address": ["city": "London", "geo": [51.5, -0.12]],
        "tags": ["math", ["nested": "yes"], [1, 2]],
        "x.y": "dotted",
    ]

    @Test("a stored record read without its terminator checked still throws on use when the terminator is bad")
    func storedBytesDeferTheTerminatorCheck() throws {
        let good = try BSONEncoder().encode(Self.document)
        let raw = try RawDocument(storedBytes: good)
        #expect(try raw.decode() == Self.document)
        #expect(try raw.value(forKey: "x.y")?.decode() == "dotted")
        #expect(try raw.value(forKey: "missing") == nil)
        // The length prefix is still checked at once.
        #expect(throws: DocumentError.self) { try RawDocument(storedBytes: good + [0]) }
        #expect(throws: DocumentError.self) { try RawDocument(storedBytes: Array(good.dropLast())) }
        // A bad terminator (negative control for the deferred check): accepted
        // here, refused by the full check, and every walk that reaches it throws.
        var bad = good
        bad[bad.count - 1] = 0x02
        let lazy = try RawDocument(storedBytes: bad)
        #expect(throws: DocumentError.self) { try RawDocument(bytes: bad) }
        #expect(throws: DocumentError.self) { try lazy.decode() }
        #expect(throws: DocumentError.self) { try lazy.value(forKey: "missing") }
        #expect(throws: DocumentError.self) {
            var it = lazy.makeIterator()
            while try it.nextField() != nil {}
        }
        // Fields before the terminator still read.
        #expect(try lazy.value(forKey: "name")?.decode() == "ada")
    }

    @Test("finds top-level fields by name without decoding the rest")
    func topLevel() throws {
        let raw = try RawDocument(bytes: try BSONEncoder().encode(Self.document))
        #expect(try raw.value(forKey: "name")?.decode() == "ada")
        #expect(try raw.value(forKey: "name")?.stringEquals("ada") == true)
        #expect(try raw.value(forKey: "name")?.stringEquals("ad") == false)
        #expect(try raw.value(forKey: "name")?.stringValue == "ada")
        #expect(try raw.value(forKey: "age")?.stringValue == nil)
        #expect(try raw.value(forKey: "age")?.int64Value == 36)
        #expect(try raw.value(forKey: "big")?.int64Value == 1 << 40)
        #expect(try raw.value(forKey: "score")?.doubleValue == 9.5)
        #expect(try raw.value(forKey: "ok")?.boolValue == true)
        #expect(try raw.value(forKey: "missing") == nil)
        #expect(try raw.value(forKey: "x.y")?.decode() == "dotted")
        #expect(try raw.value(forKey: "nam") == nil)
    }

    @Test(
        "dot paths descend into documents and arrays by position",
        arguments: [
            "address.city", "address.geo.0", "address.geo.1", "tags.0", "tags.1.nested", "tags.2.1", "tags.2",
            "address", "address.geo.2", "tags.01", "tags.x", "name.first", "missing.a", "x.y", "",
        ])
    func paths(_ path: String) throws {
        let raw = try RawDocument(bytes: try BSONEncoder().encode(Self.document))
        #expect(try raw.value(atPath: path)?.decode() == Self.document[path: path], "\(path)")
    }

    @Test("iterates top-level fields lazily in order")
    func iteration() throws {
        let raw = try RawDocument(bytes: try BSONEncoder().encode(Self.document))
        var iterator = raw.makeIterator()
        var decoded = Document()
        while let field = try iterator.nextField() { decoded.append(field.key, try field.value.decode()) }
        #expect(decoded == Self.document)
        #expect(try iterator.nextField() == nil)
        #expect(try raw.decode() == Self.document)
    }

    @Test("embedded views share the storage and decode like the full decoder")
    func embedded() throws {
        let raw = try RawDocument(bytes: try BSONEncoder().encode(Self.document))
        let address = try #require(try raw.value(forKey: "address")?.document)
        #expect(try address.value(forKey: "city")?.decode() == "London")
        #expect(try address.decode() == Self.document["address"]?.documentValue)
    }

    @Test("corrupt elements before the wanted field throw")
    func corruptBeforeField() throws {
        var bytes = try BSONEncoder().encode(["a": "xx", "b": 1])
        bytes[7] = 0x40  // the string length of "a": far past the end
        let raw = try RawDocument(bytes: bytes)
        #expect(throws: DocumentError.self) { try raw.value(forKey: "b") }
        bytes[4] = 0x33  // an unknown type byte
        #expect(throws: DocumentError.self) { try RawDocument(bytes: bytes).value(forKey: "b") }
    }
}
