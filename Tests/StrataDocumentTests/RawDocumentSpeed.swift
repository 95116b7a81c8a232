import Testing

@testable import StrataDocument

#if canImport(Glibc)
    import Glibc
#endif

/// A by-hand speed figure, not a test: enabled only with
/// STRATA_DOCUMENT_TIMING=1 (run in release). Nothing is asserted about time.
@Suite("RawDocument speed (manual)", .enabled(if: getenv("STRATA_DOCUMENT_TIMING") != nil))
struct RawDocumentSpeed {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    @Test("print RawDocument lookup vs full decode")
    func measure() throws {
        var d = Document()
        for i in 0..<20 { d.append("field\(i)", .string("value number \(i)")) }
        d.append("nested", ["inner": ["a": 1, "b": [1, 2, 3]], "status": "active"])
        for i in 20..<30 { d.append("n\(i)", .double(Double(i))) }
        let bytes = try BSONEncoder().encode(d)
        let rounds = 200_000
        var hits = 0
        var start = Self.now()
        for _ in 0..<rounds {
            if try BSONDecoder().decode(bytes)[path: "nested.status"] != nil { hits += 1 }
        }
        let full = (Self.now() - start) / Double(rounds) * 1e9
        let raw = try RawDocument(bytes: bytes)
        start = Self.now()
        for _ in 0..<rounds {
            if try raw.value(atPath: "nested.status")?.stringEquals("active") == true { hits += 1 }
        }
        let lazy = (Self.now() - start) / Double(rounds) * 1e9
        print(
            "document \(bytes.count) bytes, \(d.count) fields: full decode + path \(Int(full)) ns, RawDocument path \(Int(lazy)) ns (×\(Int(full / lazy))); hits \(hits)"
        )
    }
}
