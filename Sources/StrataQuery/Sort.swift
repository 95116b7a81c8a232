import StrataDocument

/// A multi-field sort order. Each document sorts by the least value its path
/// reaches ascending and the greatest descending (arrays by their elements,
/// missing as null); ties are broken by `_id` ascending so every order is
/// deterministic.
public struct Sort: Sendable, Hashable {
    /// One field of the order.
    public struct Key: Sendable, Hashable {
        public var path: FieldPath
        public var descending: Bool
        public init(path: FieldPath, descending: Bool = false) {
            self.path = path
            self.descending = descending
        }
    }

    /// The fields, most significant first; empty means `_id` order.
    public var keys: [Key]

    public init(_ keys: [Key] = []) { self.keys = keys }

    /// Parses field names, each optionally prefixed by `-` for descending
    /// (`["age", "-score"]`).
    /// - Throws: `QueryError` `.badPath` for an empty or malformed name.
    public init(fields: [String]) throws(QueryError) {
        var keys: [Key] = []
        for field in fields {
            let descending = field.hasPrefix("-")
            let name =
                descending ? String(field.dropFirst()) : (field.hasPrefix("+") ? String(field.dropFirst()) : field)
            keys.append(Key(path: try FieldPath(name), descending: descending))
        }
        self.init(keys)
    }

    /// Parses a sort document (`{"age": 1, "score": -1}`).
    /// - Throws: `QueryError` `.badOperand` for a direction other than 1 or -1.
    public init(document: Document) throws(QueryError) {
        var keys: [Key] = []
        for (field, direction) in document {
            guard let d = direction.doubleValue, d == 1 || d == -1 else {
                throw QueryError(.badOperand, "sort direction of \(field) must be 1 or -1")
            }
            keys.append(Key(path: try FieldPath(field), descending: d < 0))
        }
        self.init(keys)
    }

    /// The sort values of one document, one per key.
    public func sortValues(of document: Document) -> [Value] {
        keys.map { FieldValues(path: $0.path, in: document).sortKey(descending: $0.descending) }
    }

    /// The sort values of raw BSON, one per key.
    /// - Throws: `DocumentError` for malformed bytes.
    public func sortValues(of document: RawDocument) throws(DocumentError) -> [Value] {
        var out: [Value] = []
        out.reserveCapacity(keys.count)
        for key in keys {
            switch try FieldValues.lookup(key.path, in: document) {
            case .missing: out.append(.null)
            case .scalar(let raw): out.append(try raw.decode())
            case .leafArray(let raw): out.append(try FieldValues(reached: raw).sortKey(descending: key.descending))
            case .general: out.append(try FieldValues(path: key.path, in: document).sortKey(descending: key.descending))
            }
        }
        return out
    }

    /// Three-way comparison of two rows by their sort values, then their ids.
    public func compare(_ a: [Value], id idA: Value, _ b: [Value], id idB: Value) -> Int {
        for (i, key) in keys.enumerated() {
            let c = Value.compare(a[i], b[i])
            if c != 0 { return key.descending ? -c : c }
        }
        return Value.compare(idA, idB)
    }

    /// The order as written (`["age", "-score"]`).
    public var fields: [String] { keys.map { ($0.descending ? "-" : "") + $0.path.text } }
}
