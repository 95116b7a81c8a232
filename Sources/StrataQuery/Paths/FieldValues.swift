import StrataDocument

/// The values a dot path reaches in a document, as filters and indexes see
/// them (MongoDB's semantics):
///
///     {"a": [{"b": 1}, {"b": [2, 3]}]}   path "a.b"
///       walk a → array: fan out over its documents (and "a.<n>" indexes it)
///       reached leaves: 1, [2, 3]
///       a leaf array also offers its elements: 2, 3
///
/// `FieldValues` records each reached value and whether it is a leaf array
/// that was expanded, so that matching can see the array itself (`{"b": [2, 3]}`
/// equals it) while index keys and sort keys use only its elements.
public struct FieldValues: Sendable {
    /// Every value reached, each flagged when it is an expanded leaf array.
    public private(set) var entries: [(value: Value, expandedArray: Bool)] = []

    /// Whether the walk passed through an array on the way (fanning out over
    /// its documents or indexing it). When it did not, and at most one
    /// non-array value was reached, the value is the one a projection of
    /// the path returns: see ``isScalar``.
    public private(set) var crossedArray = false

    /// Whether the path reaches at most one value, not an array, through
    /// embedded documents only: then the value (or its absence) is exactly
    /// what ``Projection`` returns for the path, and an index entry can stand
    /// in for the record.
    public var isScalar: Bool {
        if crossedArray || entries.count > 1 { return false }
        if case .array? = entries.first?.value { return false }
        return true
    }

    /// Whether the path reached nothing at all (the field is missing).
    public var isMissing: Bool { entries.isEmpty }

    /// The values matching operators compare with: leaves, leaf arrays and their elements.
    public var candidates: [Value] { entries.map(\.value) }

    /// The values an index holds for this path and a sort compares: every
    /// reached value except expanded non-empty arrays (their elements stand
    /// in for them), distinct by index encoding; a missing field or an empty
    /// array counts as null, so that every document has at least one key.
    public var keyValues: [Value] {
        var seen = Set<[UInt8]>()
        var out: [Value] = []
        for (value, expanded) in entries {
            if expanded, case .array(let a) = value, !a.isEmpty { continue }
            var v = value
            if case .array(let a) = value, a.isEmpty, expanded { v = .null }
            if seen.insert(IndexKey.encode(v)).inserted { out.append(v) }
        }
        if out.isEmpty { out.append(.null) }
        return out
    }

    /// The value a sort orders this document by: the least key value
    /// ascending, the greatest descending.
    public func sortKey(descending: Bool) -> Value {
        let keys = keyValues
        var best = keys[0]
        for v in keys.dropFirst() {
            let c = Value.compare(v, best)
            if descending ? c > 0 : c < 0 { best = v }
        }
        return best
    }

    mutating func reached(_ value: Value) {
        if case .array(let elements) = value {
            entries.append((value, true))
            for e in elements { entries.append((e, false)) }
        } else {
            entries.append((value, false))
        }
    }

    /// The values `path` reaches in `document`.
    public init(path: FieldPath, in document: Document) {
        walk(.document(document), path.components[...])
    }

    /// The values `path` reaches in raw BSON, decoding only the values reached.
    /// - Throws: `DocumentError` for malformed bytes on the way.
    public init(path: FieldPath, in document: RawDocument) throws(DocumentError) {
        try walkRaw(document, isArray: false, path.components[...])
    }

    private mutating func walk(_ value: Value, _ rest: ArraySlice<String>) {
        guard let component = rest.first else {
            reached(value)
            return
        }
        switch value {
        case .document(let d):
            if let child = d[component] { walk(child, rest.dropFirst()) }
        case .array(let a):
            crossedArray = true
            if let i = FieldPath.arrayIndex(component), i < a.count { walk(a[i], rest.dropFirst()) }
            for element in a {
                if case .document = element { walk(element, rest) }
            }
        default:
            break
        }
    }

    /// What a path reaches in raw BSON when it can be told without building
    /// a ``FieldValues``: nothing, or one value reached through embedded
    /// documents only that is not an array. Anything else (an array on the
    /// way or at the end) is `.general`, for ``init(path:in:)-(_,RawDocument)``.
    public enum Lookup {
        case missing
        case scalar(RawValue)
        /// An array reached through documents only, at the end of the path.
        case leafArray(RawValue)
        case general
    }

    /// The values of a path that reached `value` (a leaf) through documents only.
    /// - Throws: `DocumentError` for malformed bytes.
    public init(reached value: RawValue) throws(DocumentError) {
        reached(try value.decode())
    }

    /// Walks `path` through embedded documents without decoding or allocating.
    /// - Throws: `DocumentError` for malformed bytes on the way.
    public static func lookup(_ path: FieldPath, in document: RawDocument) throws(DocumentError) -> Lookup {
        var doc = document
        let components = path.components
        var i = 0
        while true {
            guard let v = try doc.value(forKey: components[i]) else { return .missing }
            i += 1
            if v.type == .array { return i == components.count ? .leafArray(v) : .general }
            if i == components.count { return .scalar(v) }
            guard v.type == .document, let inner = v.document else { return .missing }
            doc = inner
        }
    }

    private mutating func walkRaw(_ doc: RawDocument, isArray: Bool, _ rest: ArraySlice<String>) throws(DocumentError) {
        guard let component = rest.first else { return }
        if !isArray {
            guard let child = try doc.value(forKey: component) else { return }
            try step(child, rest.dropFirst())
            return
        }
        crossedArray = true
        let wanted = FieldPath.arrayIndex(component)
        var iterator = doc.makeIterator()
        var index = 0
        while let field = try iterator.nextField() {
            if index == wanted { try step(field.value, rest.dropFirst()) }
            if field.value.type == .document, let inner = field.value.document {
                try walkRaw(inner, isArray: false, rest)
            }
            index += 1
        }
    }

    private mutating func step(_ value: RawValue, _ rest: ArraySlice<String>) throws(DocumentError) {
        if rest.isEmpty {
            reached(try value.decode())
        } else if let inner = value.document {
            try walkRaw(inner, isArray: value.type == .array, rest)
        }
    }
}

/// A validated dot path, split once.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as written (`"a.b.0"`).
    public let text: String
    /// Its components.
    public let components: [String]

    /// - Throws: `QueryError` `.badPath` for an empty path or component.
    public init(_ text: String) throws(QueryError) {
        try validatePath(text, context: "path")
        self.text = text
        self.components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    init(unchecked text: String) {
        self.text = text
        self.components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    public var description: String { text }

    /// A component as an array index: ASCII digits without a leading zero.
    static func arrayIndex(_ component: String) -> Int? {
        guard !component.isEmpty, component.utf8.count < 10,
            component.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            component.utf8.count == 1 || component.first != "0"
        else { return nil }
        return Int(component)
    }
}
