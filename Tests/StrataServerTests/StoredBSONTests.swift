import Foundation
import Testing

/// A Python interpreter with pymongo's `bson` and `json_util` (Debian:
/// `python3-pymongo`).
let pythonWithPymongo = python(running: "import bson, bson.json_util")

/// `scripts/bson-check.py`, found from this file's path.
let bsonCheckScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/bson-check.py")

/// The records `strata doc` stores are plain BSON: another BSON library
/// (pymongo's) decodes each stored value, encodes it back to the same bytes,
/// and finds it equal, field order included, to what `strata doc find` prints.
///
/// Skipping is not passing: without a Python that can import pymongo's `bson`
/// (`apt-get install -y python3-pymongo`) or without the `strata` executable,
/// Swift Testing reports this suite as skipped with the reason below.
@Suite(
    "Stored records read by pymongo's bson", .serialized,
    .enabled(if: strataBinary != nil, "build the strata executable first"),
    .enabled(if: pythonWithPymongo != nil, "no python3 can `import bson.json_util`: apt-get install -y python3-pymongo")
)
struct StoredBSONTests {
    /// Runs `executable` with `arguments` (and `input` on stdin); returns the
    /// exit status and what it printed on stdout and stderr.
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("strata-stderr-\(UUID())")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorFile.path])
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let err = try FileHandle(forWritingTo: errorFile)
        defer { try? err.close() }
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout, stderr)
    }

    /// Documents of every type the relaxed Extended JSON input can give,
    /// nested, with an explicit and a generated `_id`.
    static let documents = [
        #"{"_id": 1, "name": "Ada", "age": 36, "score": 1.5, "ok": true, "none": null}"#,
        #"{"name": "Bob", "big": {"$numberLong": "9000000000"}, "small64": {"$numberLong": "5"}}"#,
        #"{"_id": "s-1", "tags": ["a", {"x": null, "y": [1, 2.25, "z"]}], "empty": {}, "list": []}"#,
        #"{"_id": {"$oid": "5f1d7a3b9c8e4f2a1b0c9d8e"}, "at": {"$date": "2020-01-02T03:04:05.678Z"}}"#,
        #"{"bin": {"$binary": {"base64": "AQID", "subType": "00"}}, "dec": {"$numberDecimal": "1.5"}}"#,
        #"{"nested": {"b": 2, "a": {"d": 4, "c": 3}}, "unicode": "żółw ☃", "neg": -7, "neg64": -9000000001}"#,
    ]

    @Test("pymongo's bson decodes every stored record, byte for byte", arguments: allBackends)
    func storedRecordsArePlainBSON(backend: String) throws {
        let strata = try #require(strataBinary).path
        let python = try #require(pythonWithPymongo)
        let directory = try makeTemporaryDirectory("stored-bson-\(backend)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = ["--backend", backend, "--path", directory + "/db"]

        let created = try Self.run(strata, ["doc"] + store + ["create-collection", "people", "--index", "age"])
        #expect(created.status == 0, "\(created.stderr)")
        let inserted = try Self.run(
            strata, ["doc"] + store + ["insert", "people"], input: Self.documents.joined(separator: "\n"))
        #expect(inserted.status == 0, "\(inserted.stderr)")
        #expect(inserted.stdout.split(separator: "\n").count == Self.documents.count)
        // A later process changes one record, so the store holds an updated one too.
        let updated = try Self.run(
            strata, ["doc"] + store + ["update", "people", #"{"_id": 1}"#, #"{"$inc": {"age": 1}}"#])
        #expect(updated.status == 0, "\(updated.stderr)")

        // "d:" (64 3a) begins every record key; index entries begin "i:".
        let records = try Self.run(
            strata, ["kv"] + store + ["--cf", "doc.people", "--hex", "scan", "--prefix", "643a"])
        #expect(records.status == 0, "\(records.stderr)")
        let found = try Self.run(strata, ["doc"] + store + ["find", "people"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains(#""age":37"#))

        let check = try checkRecords(python, directory, records: records.stdout, found: found.stdout)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.hasSuffix("all records checked\n"), "\(check.stdout)")
        #expect(check.stdout.split(separator: "\n").count == Self.documents.count + 1, "\(check.stdout)")

        // The check can fail: a record with one field's type byte changed
        // (int32 `age` read as a double: another value and length), and
        // documents printed with two fields swapped.
        let ageField = "1061676500"  // int32 type, "age", NUL
        #expect(records.stdout.contains(ageField))
        let retyped = records.stdout.replacingOccurrences(of: ageField, with: "0161676500")
        let broken = try checkRecords(python, directory, records: retyped, found: found.stdout)
        #expect(broken.status == 1, "\(broken.stdout)")
        let swapped = found.stdout.replacingOccurrences(of: #""name":"Ada","age":37"#, with: #""age":37,"name":"Ada""#)
        #expect(swapped != found.stdout)
        let reordered = try checkRecords(python, directory, records: records.stdout, found: swapped)
        #expect(reordered.status == 1, "\(reordered.stdout)")
        #expect(reordered.stdout.contains("is not a document find printed"), "\(reordered.stdout)")
    }

    /// Runs `scripts/bson-check.py` on the two outputs (written to files).
    private func checkRecords(_ python: String, _ directory: String, records: String, found: String) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let recordsFile = directory + "/records-\(UUID()).txt"
        let foundFile = directory + "/found-\(UUID()).txt"
        try records.write(toFile: recordsFile, atomically: true, encoding: .utf8)
        try found.write(toFile: foundFile, atomically: true, encoding: .utf8)
        return try Self.run(python, [bsonCheckScript.path, recordsFile, foundFile])
    }
}
