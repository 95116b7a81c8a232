import Testing

@testable import StrataDocument

/// The BSON corpus of the MongoDB specifications, read in place from
/// `../shared/testdata/bson-corpus` (its licence does not allow copying it
/// here). Absent in a plain clone: then these tests are disabled and reported
/// as skipped, and the project's own BSON tests still run.
enum Corpus {
    static let directory: String = {
        // #filePath is <root>/Tests/StrataDocumentTests/BSONCorpusTests.swift.
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        parts.removeLast()  // the repository folder itself: ../shared is its sibling
        return parts.joined(separator: "/") + "/shared/testdata/bson-corpus"
    }()

    static let files: [String] = {
        TestFiles.list(directory).filter { $0.hasSuffix(".json") }.sorted()
    }()

    static var isPresent: Bool { !files.isEmpty }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var description: String
        var hex: String
        var canonicalExtJSON: String?
        var relaxedExtJSON: String?
        var lossy: Bool
        init(
            file: String, description: String, hex: String, canonicalExtJSON: String? = nil,
            relaxedExtJSON: String? = nil, lossy: Bool
        ) {
            self.file = file
            self.description = description
            self.hex = hex
            self.canonicalExtJSON = canonicalExtJSON
            self.relaxedExtJSON = relaxedExtJSON
            self.lossy = lossy
        }
        var testDescription: String { "\(file): \(description)" }
    }

    static func load() -> (valid: [Case], decodeErrors: [Case], parseErrors: [Case]) {
        var valid: [Case] = []
        var errors: [Case] = []
        var parseErrors: [Case] = []
        for file in files {
            guard let text = TestFiles.read(directory + "/" + file),
                case .object(let top) = try? JSONValue.parse(text)
            else { continue }
            func field(_ members: [JSONMember], _ name: String) -> JSONValue? {
                members.first { $0.key == name }?.value
            }
            if case .array(let cases) = field(top, "valid") {
                for case .object(let c) in cases {
                    guard case .string(let d) = field(c, "description"),
                        case .string(let hex) = field(c, "canonical_bson")
                    else { continue }
                    var canonical: String?
                    var relaxed: String?
                    if case .string(let e) = field(c, "canonical_extjson") { canonical = e }
                    if case .string(let e) = field(c, "relaxed_extjson") { relaxed = e }
                    let lossy = field(c, "lossy") == .bool(true)
                    valid.append(
                        Case(
                            file: file, description: d, hex: hex, canonicalExtJSON: canonical,
                            relaxedExtJSON: relaxed ?? canonical, lossy: lossy))
                }
            }
            if case .array(let cases) = field(top, "decodeErrors") {
                for case .object(let c) in cases {
                    guard case .string(let d) = field(c, "description"), case .string(let hex) = field(c, "bson") else {
                        continue
                    }
                    errors.append(Case(file: file, description: d, hex: hex, lossy: false))
                }
            }
            if case .array(let cases) = field(top, "parseErrors") {
                let isDecimal = field(top, "bson_type") == .string("0x13")
                for case .object(let c) in cases {
                    guard case .string(let d) = field(c, "description"), case .string(let text) = field(c, "string")
                    else {
                        continue
                    }
                    // Decimal files give the bare decimal string; the others a whole document.
                    let json = isDecimal ? "{\"d\": {\"$numberDecimal\": \(JSONValue.string(text).text())}}" : text
                    parseErrors.append(Case(file: file, description: d, hex: "", canonicalExtJSON: json, lossy: false))
                }
            }
        }
        return (valid, errors, parseErrors)
    }

    static let cases = load()
}

// Disabled (reported as skipped, not passed) when the corpus folder is absent.
@Suite("BSON corpus", .enabled(if: Corpus.isPresent, "BSON corpus not found at ../shared/testdata/bson-corpus"))
struct BSONCorpusTests {
    @Test("the corpus was found and holds cases")
    func corpusLoaded() {
        #expect(Corpus.cases.valid.count > 100)
        #expect(Corpus.cases.decodeErrors.count > 50)
    }

    @Test("valid canonical BSON decodes and re-encodes to the same bytes", arguments: Corpus.cases.valid)
    func roundTrip(_ c: Corpus.Case) throws {
        let bytes = try #require(Hex.decode(c.hex))
        let document = try BSONDecoder().decode(bytes)
        let encoded = try BSONEncoder().encode(document)
        #expect(Hex.encode(encoded) == c.hex.lowercased())
        // The lazy reader sees the same top-level fields as the full decoder.
        let raw = try RawDocument(bytes: bytes)
        var keys: [String] = []
        var iterator = raw.makeIterator()
        while let field = try iterator.nextField() {
            keys.append(field.key)
            #expect(try field.value.decode() == document[keys.count - 1].value)
        }
        #expect(keys == document.keys)
    }

    @Test("invalid BSON is rejected with a corrupt error", arguments: Corpus.cases.decodeErrors)
    func decodeError(_ c: Corpus.Case) throws {
        let bytes = try #require(Hex.decode(c.hex))
        #expect {
            _ = try BSONDecoder().decode(bytes)
        } throws: { error in
            (error as? DocumentError)?.code == .corrupt
        }
    }
}

@Suite(
    "BSON corpus, Extended JSON",
    .enabled(if: Corpus.isPresent, "BSON corpus not found at ../shared/testdata/bson-corpus"))
struct ExtendedJSONCorpusTests {
    // Lossy cases (NaN payloads, non-canonical decimals) do not promise the same bytes back.
    @Test(
        "canonical Extended JSON parses to the canonical BSON bytes",
        arguments: Corpus.cases.valid.filter { $0.canonicalExtJSON != nil && !$0.lossy }
    )
    func canonicalParses(_ c: Corpus.Case) throws {
        let json = try #require(c.canonicalExtJSON)
        let document = try ExtendedJSON.document(from: json)
        #expect(Hex.encode(try BSONEncoder().encode(document)) == c.hex.lowercased())
    }

    @Test("relaxed Extended JSON output reads back as the same values", arguments: Corpus.cases.valid)
    func relaxedRoundTrip(_ c: Corpus.Case) throws {
        let document = try BSONDecoder().decode(try #require(Hex.decode(c.hex)))
        let text = ExtendedJSON.text(of: document)
        let back = try ExtendedJSON.document(from: text)
        #expect(Value.compare(.document(back), .document(document)) == 0, "\(text)")
        // Decimal text is compared exactly (the value checks above only see
        // the nearest double).
        if c.file.hasPrefix("decimal128"), let canonical = c.canonicalExtJSON {
            #expect(try JSONValue.parse(text) == JSONValue.parse(canonical), "\(text) vs \(canonical)")
        }
        if let relaxed = c.relaxedExtJSON, !c.lossy {
            let expected = try ExtendedJSON.document(from: relaxed)
            #expect(Value.compare(.document(back), .document(expected)) == 0, "\(text) vs \(relaxed)")
        }
    }

    @Test("invalid Extended JSON is rejected", arguments: Corpus.cases.parseErrors)
    func parseError(_ c: Corpus.Case) throws {
        let json = try #require(c.canonicalExtJSON)
        #expect(throws: DocumentError.self, "\(json)") { try ExtendedJSON.document(from: json) }
    }
}
