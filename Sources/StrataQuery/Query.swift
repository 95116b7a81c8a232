import StrataDocument

/// Everything a find asks for: filter, order, window and columns.
public struct Query: Sendable, Hashable {
    /// Which documents.
    public var filter: Filter
    /// In which order (ties by `_id`).
    public var sort: Sort
    /// How many matching documents to pass over first.
    public var skip: Int
    /// At most how many to return; nil for all.
    public var take: Int?
    /// Which fields to return (dot paths); nil for whole documents. `_id` is always returned.
    public var columns: [FieldPath]?

    /// - Throws: `QueryError` `.badRequest` for a negative skip or take.
    public init(
        filter: Filter = .all, sort: Sort = Sort(), skip: Int = 0, take: Int? = nil, columns: [FieldPath]? = nil
    )
        throws(QueryError)
    {
        guard skip >= 0 else { throw QueryError(.badRequest, "skip must be zero or more, got \(skip)") }
        if let take, take < 0 { throw QueryError(.badRequest, "take must be zero or more, got \(take)") }
        self.filter = filter
        self.sort = sort
        self.skip = skip
        self.take = take
        self.columns = columns
    }

    /// Parses the pieces as the wire protocol sends them.
    /// - Throws: `QueryError` for any malformed piece.
    public init(
        filter: Document?, sort: [String] = [], skip: Int = 0, take: Int? = nil, columns: [String]? = nil
    ) throws(QueryError) {
        var paths: [FieldPath]?
        if let columns {
            var ps: [FieldPath] = []
            for c in columns { ps.append(try FieldPath(c)) }
            paths = ps
        }
        try self.init(
            filter: try filter.map { d throws(QueryError) in try Filter(d) } ?? .all, sort: try Sort(fields: sort),
            skip: skip, take: take, columns: paths)
    }
}

/// Builds the projection of a document onto columns: `_id` plus each listed
/// path that exists, nested as in the original.
public enum Projection {
    /// Projects a decoded document.
    public static func apply(_ columns: [FieldPath], to document: Document) -> Document {
        var out = Document()
        if let id = document["_id"] { out.append("_id", id) }
        for column in columns where column.text != "_id" {
            if let v = document[path: column.text] { try? out.setValue(v, atPath: column.text) }
        }
        return out
    }

    /// Projects raw BSON to raw BSON holding the same fields, in the same
    /// order, as `apply(_:to:)` returns. Top-level columns
    /// are copied byte for byte, without decoding; a dot path goes through a
    /// decoded projection, re-encoded.
    /// - Throws: `DocumentError` for malformed bytes.
    public static func applyRaw(_ columns: [FieldPath], to document: RawDocument) throws(DocumentError) -> RawDocument {
        if columns.contains(where: { $0.components.count > 1 }) {
            return try RawDocument(bytes: BSONEncoder().encode(apply(columns, to: document)))
        }
        var out: [UInt8] = [0, 0, 0, 0]
        func copy(_ key: String, _ value: RawValue) {
            out.append(value.type.rawValue)
            out.append(contentsOf: key.utf8)
            out.append(0)
            value.storage.withUnsafeBufferPointer { out.append(contentsOf: $0[value.start..<value.end]) }
        }
        if let id = try document.value(forKey: "_id") { copy("_id", id) }
        for (i, column) in columns.enumerated() where column.text != "_id" {
            if columns[..<i].contains(where: { $0.text == column.text }) { continue }
            if let v = try document.value(forKey: column.text) { copy(column.text, v) }
        }
        out.append(0)
        withUnsafeBytes(of: Int32(out.count).littleEndian) { out.replaceSubrange(0..<4, with: $0) }
        return try RawDocument(bytes: out)
    }

    /// Projects raw BSON, decoding only the projected values.
    /// - Throws: `DocumentError` for malformed bytes.
    public static func apply(_ columns: [FieldPath], to document: RawDocument) throws(DocumentError) -> Document {
        var out = Document()
        if let id = try document.value(forKey: "_id") { out.append("_id", try id.decode()) }
        for column in columns where column.text != "_id" {
            if let v = try document.value(atPath: column.text) {
                try? out.setValue(try v.decode(), atPath: column.text)
            }
        }
        return out
    }
}
