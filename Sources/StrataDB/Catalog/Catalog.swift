import StrataDocument
import StrataStore

/// What the catalog knows about one collection. Stored in the `_sys`
/// column family as BSON:
///
///     c:<name> → {"name": "users", "cf": "doc.users",
///                 "indexes": [{"field": "age", "multikey": false,
///                              "scalar": true, "format": 2}, …]}
///
/// An entry written before typed index entries lacks `scalar` and `format`:
/// it reads as format 1 (empty entry values), never scalar.
public struct CollectionInfo: Sendable, Hashable {
    /// One secondary index.
    public struct Index: Sendable, Hashable {
        /// The indexed dot path.
        public var field: String
        /// Whether some record ever had more than one key value for it (an
        /// array); such an index cannot bound an index-ordered sort.
        public var multikey: Bool
        /// Whether every record reached at most one value at `field`, not an
        /// array, through embedded documents only (``FieldValues/isScalar``):
        /// then an entry's value is exactly the record's projection onto
        /// `field`, and the index can answer a query alone (a covered plan).
        /// Cleared for good by the first record that is not.
        public var scalar: Bool
        /// The entry format: 1, empty values; 2, each entry's value is
        /// ``KeyLayout/indexEntryValue(field:value:id:)`` (typed value and `_id`).
        public var format: Int

        /// The format new indexes are written in.
        public static let currentFormat = 2

        init(field: String, multikey: Bool, scalar: Bool, format: Int = Index.currentFormat) {
            self.field = field
            self.multikey = multikey
            self.scalar = scalar
            self.format = format
        }

        /// Whether its entries can stand in for the records (see ``scalar``).
        var covers: Bool { format >= 2 && scalar }
    }

    public var name: String
    /// The column family holding the records and index entries.
    public var columnFamily: String
    public var indexes: [Index]

    func index(_ field: String) -> Index? { indexes.first { $0.field == field } }

    var document: Document {
        [
            "name": .string(name), "cf": .string(columnFamily),
            "indexes": .array(
                indexes.map { index in
                    var d: Document = ["field": .string(index.field), "multikey": .bool(index.multikey)]
                    if index.format >= 2 {
                        d.append("scalar", .bool(index.scalar))
                        d.append("format", .int32(Int32(index.format)))
                    }
                    return .document(d)
                }),
        ]
    }

    init(name: String, columnFamily: String, indexes: [Index]) {
        self.name = name
        self.columnFamily = columnFamily
        self.indexes = indexes
    }

    init(document d: Document) throws {
        guard case .string(let name)? = d["name"], case .string(let cf)? = d["cf"],
            case .array(let list)? = d["indexes"]
        else { throw DatabaseError(.corrupt, "catalog entry is malformed") }
        var indexes: [Index] = []
        for item in list {
            guard case .document(let i) = item, case .string(let f)? = i["field"], case .bool(let m)? = i["multikey"]
            else {
                throw DatabaseError(.corrupt, "catalog entry of \(name) has a malformed index")
            }
            var format = 1
            var scalar = false
            if let stored = i["format"] {
                guard case .int32(let n) = stored, n == 2, case .bool(let sc)? = i["scalar"] else {
                    throw DatabaseError(.corrupt, "catalog entry of \(name) has an index of unknown format")
                }
                format = Int(n)
                scalar = sc
            }
            indexes.append(Index(field: f, multikey: m, scalar: scalar, format: format))
        }
        self.init(name: name, columnFamily: cf, indexes: indexes)
    }
}

/// Reads and writes catalog entries in `_sys`.
enum Catalog {
    static let columnFamilyName = "_sys"
    static let collectionPrefix: [UInt8] = Array("c:".utf8)

    static func key(_ name: String) -> [UInt8] { collectionPrefix + Array(name.utf8) }

    static func columnFamilyName(forCollection name: String) -> String { "doc.\(name)" }

    /// Throws `badRequest` unless `name` is 1 to 120 bytes of UTF-8 without NUL or `/`.
    static func validate(collection name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 120, !name.utf8.contains(0), !name.contains("/") else {
            throw DatabaseError(
                .badRequest, "collection name \(name.debugDescription) must be 1 to 120 bytes without NUL or '/'")
        }
    }

    /// Throws `badRequest` for an index field that is not a usable path or holds `:`.
    static func validate(indexField field: String) throws {
        guard !field.isEmpty, !field.contains(":"), !field.hasPrefix("$"), !field.utf8.contains(0),
            !field.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else {
            throw DatabaseError(.badRequest, "index field \(field.debugDescription) must be a dot path without ':'")
        }
        guard field != "_id" else { throw DatabaseError(.badRequest, "_id is always indexed") }
    }

    static func load(_ name: String, txn: some ReadTransaction, in cf: ColumnFamily) throws -> CollectionInfo? {
        guard let bytes = try txn.get(key(name), in: cf) else { return nil }
        return try CollectionInfo(document: Document(bson: bytes))
    }

    static func save(_ info: CollectionInfo, txn: some WriteTransaction, in cf: ColumnFamily) throws {
        try txn.put(key(info.name), try info.document.bson(), in: cf)
    }

    static func names(txn: some ReadTransaction, in cf: ColumnFamily) throws -> [String] {
        var names: [String] = []
        try txn.forEach(in: cf, range: .prefix(collectionPrefix)) { k, _ in
            names.append(String(decoding: k.dropFirst(collectionPrefix.count), as: UTF8.self))
            return true
        }
        return names
    }
}
