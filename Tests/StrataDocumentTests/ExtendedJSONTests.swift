import Testing

@testable import StrataDocument

@Suite("Extended JSON")
struct ExtendedJSONTests {
    @Test("every value type round-trips through relaxed Extended JSON")
    func everyType() throws {
        let original = BSONTests.everyType
        let text = ExtendedJSON.text(of: original)
        let back = try ExtendedJSON.document(from: text)
        // Relaxed mode prints int64 as a plain number, so small ones come back
        // as int32: compare by value, and exactly for the rest.
        #expect(Value.compare(.document(back), .document(original)) == 0, "\(text)")
        #expect(back.keys == original.keys)
        for (key, value) in original where key != "i64" {
            #expect(back[key] == value, "\(key): \(text)")
        }
    }

    @Test("relaxed output looks as the specification shows")
    func relaxedText() {
        let d: Document = [
            "i": 1, "l": .int64(1 << 40), "d": 1.0, "neg": -0.5, "inf": .double(.infinity),
            "date": .datetime(1_356_351_330_501), "old": .datetime(-1), "oid": .objectId(BSONTests.oid),
            "bin": .binary(Binary(subtype: 0, bytes: [0xFF, 0xFF])), "s": "a\"b\n\u{01}",
        ]
        #expect(
            d.extendedJSON
                == #"{"i":1,"l":1099511627776,"d":1.0,"neg":-0.5,"inf":{"$numberDouble":"Infinity"},"#
                + #""date":{"$date":"2012-12-24T12:15:30.501Z"},"old":{"$date":{"$numberLong":"-1"}},"#
                + #""oid":{"$oid":"5f1d4af4a1dfce7a00000001"},"bin":{"$binary":{"base64":"//8=","subType":"00"}},"#
                + #""s":"a\"b\n\u0001"}"#)
    }

    @Test("plain JSON numbers become int32, int64 or double")
    func numbers() throws {
        let d = try Document(
            extendedJSON: #"{"a": 1, "b": 3000000000, "c": 1.5, "d": 1e3, "e": -0, "f": 99999999999999999999}"#)
        #expect(d["a"] == .int32(1))
        #expect(d["b"] == .int64(3_000_000_000))
        #expect(d["c"] == .double(1.5))
        #expect(d["d"] == .double(1000))
        #expect(d["e"] == .int32(0))
        #expect(d["f"] == .double(1e20))
    }

    @Test(
        "dates parse from ISO-8601 with offsets and fractions",
        arguments: [
            ("1970-01-01T00:00:00Z", 0 as Int64),
            ("1970-01-01T00:00:00.001Z", 1),
            ("2012-12-24T12:15:30.501Z", 1_356_351_330_501),
            ("2012-12-24T13:15:30.5+01:00", 1_356_351_330_500),
            ("2000-02-29T00:00:00Z", 951_782_400_000),
            ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
        ])
    func dates(_ text: String, _ ms: Int64) throws {
        #expect(ISODate.parse(text) == ms)
        let back = ISODate.format(milliseconds: ms)
        #expect(ISODate.parse(back) == ms)
    }

    @Test(
        "impossible dates are rejected",
        arguments: [
            "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T00:00:00", "2024-01-01",
        ])
    func impossibleDates(_ text: String) {
        #expect(ISODate.parse(text) == nil)
    }

    @Test("dates format across the whole range without Foundation")
    func dateFormatting() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2000 {
            let ms = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &rng)
            #expect(ISODate.parse(ISODate.format(milliseconds: ms)) == ms)
        }
    }

    @Test(
        "malformed JSON is rejected with an offset",
        arguments: [
            "", "{", "{\"a\":}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "+1", "\"\\x\"", "\"a", "nul",
            "{\"a\":1} x", "\"\u{01}\"", "\"\\ud800\"", "\"\\udc00\"", "[1 2]", "{'a':1}", "NaN", ".5",
        ])
    func badJSON(_ text: String) {
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            let e = error as? DocumentError
            return e?.code == .invalidJSON && e?.message.contains("offset") == true
        }
    }

    @Test("JSON nesting is bounded")
    func deepJSON() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: DocumentError.self) { try JSONValue.parse(deep) }
    }

    @Test("strings with escapes and surrogate pairs parse")
    func escapes() throws {
        #expect(try JSONValue.parse(#""a\u00e9\ud83d\ude00\/\t""#) == .string("aé😀/\t"))
    }

    @Test("malformed wrappers are rejected; unknown $ keys stay documents")
    func wrappers() throws {
        for bad in [
            #"{"a": {"$oid": "123"}}"#, #"{"a": {"$oid": "5f1d4af4a1dfce7a00000001", "x": 1}}"#,
            #"{"a": {"$numberInt": "3000000000"}}"#, #"{"a": {"$numberLong": 1}}"#,
            #"{"a": {"$date": 42}}"#, #"{"a": {"$date": "yesterday"}}"#,
            #"{"a": {"$binary": {"base64": "!!", "subType": "00"}}}"#,
            #"{"a": {"$timestamp": {"t": -1, "i": 0}}}"#, #"{"a": {"$numberDecimal": "1.2.3"}}"#,
            #"{"a\u0000": 1}"#,
        ] {
            #expect(throws: DocumentError.self, "\(bad)") { try Document(extendedJSON: bad) }
        }
        let query = try Document(extendedJSON: #"{"age": {"$gte": 30}, "$or": [{"a": 1}], "n": {"$regex": "^a"}}"#)
        #expect(query["age"] == ["$gte": 30])
        #expect(query["n"] == ["$regex": "^a"])
        #expect(
            try Document(extendedJSON: #"{"r": {"$regex": "^a", "$options": "i"}}"#)["r"]
                == .regex(RegularExpression(pattern: "^a", options: "i")))
        #expect(
            try Document(extendedJSON: #"{"u": {"$uuid": "73ffd264-44b3-4c69-90e8-e7d1dfc035d4"}}"#)["u"]
                == .binary(Binary(subtype: 4, bytes: Hex.decode("73ffd26444b34c6990e8e7d1dfc035d4")!)))
    }

    @Test(
        "decimal128 text converts both ways",
        arguments: [
            "0", "-0", "1", "-1", "0.001", "1.23E+5", "1.000000000000000000000000000000000E+6144",
            "9.999999999999999999999999999999999E+6144", "1E-6176",
            "Infinity", "-Infinity", "NaN", "0E-6176", "12345678901234567890123456789012.34",
        ])
    func decimal(_ text: String) throws {
        let d = try Decimal128(parsing: text)
        #expect(d.description == text)
        #expect(try Decimal128(parsing: d.description) == d)
    }

    @Test("decimal128 exponents beyond the range are clamped by padding the coefficient")
    func decimalClamping() throws {
        #expect(try Decimal128(parsing: "1E+6144").description == "1.000000000000000000000000000000000E+6144")
        #expect(try Decimal128(parsing: "0E+9999").description == "0E+6111")
    }

    @Test("decimal128 values that would need rounding are rejected")
    func decimalRounding() {
        #expect(throws: DocumentError.self) { try Decimal128(parsing: "1234567890123456789012345678901234.5") }
        #expect(throws: DocumentError.self) { try Decimal128(parsing: "1E+7000") }
    }
}
