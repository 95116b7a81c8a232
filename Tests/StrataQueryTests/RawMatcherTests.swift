import StrataDocument
import Testing

@testable import StrataQuery

/// `RawMatcher`, the filter as the executor tests it record after record,
/// must answer exactly what `Filter.matches(RawDocument)` answers (true,
/// false or a throw) for every filter and record, and take its prepared
/// form only for a top-level string equality.
@Suite struct RawMatcherTests {
    /// A test's outcome: the answer, or nil for a throw.
    static func outcome(_ test: () throws -> Bool) -> Bool? { try? test() }

    static let palette: [Value] = [
        "active", "other", "", "x", .symbol("active"), ["active"], ["x", "active"], ["x"], 1, .double(2.5), nil,
        ["active": 1], .string(String(repeating: "a", count: 40)),
    ]

    /// Documents of up to four fields drawn from a small set of names and
    /// values (names may repeat: the first one is the field), and a copy of
    /// some with a string length that runs past the end, before the last field.
    static func records(count: Int, seed: UInt64) throws -> [RawDocument] {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let keys = ["status", "a", "b"]
        var out: [RawDocument] = []
        for _ in 0..<count {
            var d = Document()
            for _ in 0..<next(5) { d.append(keys[next(keys.count)], palette[next(palette.count)]) }
            var bytes = try BSONEncoder().encode(d)
            out.append(try RawDocument(bytes: bytes))
            if next(4) == 0, let first = d.first, first.value.stringValue != nil, d.count > 1 {
                // The first field's string length, past the end: the bytes before a later field are bad.
                let at = 4 + 1 + first.key.utf8.count + 1
                bytes[at] = 0x7F
                out.append(try RawDocument(storedBytes: bytes))
            }
        }
        return out
    }

    @Test func agreesWithTheFilterOnEveryRecord() throws {
        let filters = try [
            #"{"status": "active"}"#, #"{"status": "other"}"#, #"{"status": ""}"#, #"{"a": "x"}"#,
            #"{"b": {"$eq": "active"}}"#, #"{"missing": "active"}"#, #"{}"#, #"{"status": {"$ne": "active"}}"#,
            #"{"status": 1}"#, #"{"a.0": "x"}"#, #"{"status": "active", "a": "x"}"#,
            #"{"$or": [{"status": "active"}, {"b": "x"}]}"#, #"{"status": {"$in": ["active", "x"]}}"#,
        ].map { try Filter(json: $0) }
        let records = try Self.records(count: 1_500, seed: 0x3A7C)
        var answers = [0, 0, 0]  // true, false, threw
        for filter in filters {
            let matcher = RawMatcher(filter)
            for raw in records {
                let expected = Self.outcome { try filter.matches(raw) }
                let got = Self.outcome { try matcher.matches(raw) }
                #expect(got == expected, "\(filter) on \(Array(raw.bytes))")
                answers[expected == true ? 0 : expected == false ? 1 : 2] += 1
            }
        }
        // Every kind of answer was exercised.
        #expect(answers.allSatisfy { $0 > 100 }, "\(answers)")
    }

    @Test func onlyATopLevelStringEqualityIsPrepared() throws {
        func form(_ json: String) throws -> String {
            switch RawMatcher(try Filter(json: json)).form {
            case .all: "all"
            case .stringEquality(let key, let text):
                String(decoding: key, as: UTF8.self) + "=" + String(decoding: text, as: UTF8.self)
            case .general: "general"
            }
        }
        #expect(try form(#"{}"#) == "all")
        #expect(try form(#"{"status": "active"}"#) == "status=active")
        #expect(try form(#"{"status": {"$eq": "é"}}"#) == "status=é")
        #expect(try form(#"{"a.b": "x"}"#) == "general")
        #expect(try form(#"{"status": 1}"#) == "general")
        #expect(try form(#"{"status": {"$ne": "x"}}"#) == "general")
        #expect(try form(#"{"status": "x", "a": "y"}"#) == "general")
    }
}
