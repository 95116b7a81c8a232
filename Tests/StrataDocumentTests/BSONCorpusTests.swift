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
        var extJSON: String?
        var lossy: Bool
        var testDescription: String { "\(file): \(description)" }
    }

    static func load() -> (valid: [Case], decodeErrors: [Case]) {
        var valid: [Case] = []
        var errors: [Case] = []
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
                    var ext: String?
                    if case .string(let e) = field(c, "relaxed_extjson") ?? field(c, "canonical_extjson") { ext = e }
                    let lossy = field(c, "lossy") == .bool(true)
                    valid.append(Case(file: file, description: d, hex: hex, extJSON: ext, lossy: lossy))
                }
            }
            if case .array(let cases) = field(top, "decodeErrors") {
                for case .object(let c) in cases {
                    guard case .string(let d) = field(c, "description"), case .string(let hex) = field(c, "bson") else {
                        continue
                    }
                    errors.append(Case(file: file, description: d, hex: hex, extJSON: nil, lossy: false))
                }
            }
        }
        return (valid, errors)
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
