/// An ordered BSON document: fields keep the order they were added (or
/// decoded) in. Keys are looked up linearly, which is what BSON documents of
/// ordinary size want; duplicate keys are kept if decoded, and lookups see the
/// first.
public struct Document: Sendable, Hashable {
    /// The keys, in field order.
    public private(set) var keys: [String]
    /// The values, in field order (`values[i]` belongs to `keys[i]`).
    public private(set) var values: [Value]

    /// Creates an empty document.
    public init() {
        keys = []
        values = []
    }

    /// Creates an empty document with room for `count` fields.
    public init(reservingCapacity count: Int) {
        keys = []
        values = []
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
    }

    /// Creates a document from fields in order.
    public init(_ fields: some Sequence<(String, Value)>) {
        self.init()
        for (k, v) in fields { append(k, v) }
    }

    /// The number of fields.
    public var count: Int { keys.count }
    /// Whether the document has no fields.
    public var isEmpty: Bool { keys.isEmpty }

    /// Appends a field without looking for an existing one with the same key.
    public mutating func append(_ key: String, _ value: Value) {
        keys.append(key)
        values.append(value)
    }

    /// The position of the first field named `key`.
    public func index(forKey key: String) -> Int? {
        keys.firstIndex(of: key)
    }

    /// The value of the first field named `key`. Setting replaces it in place,
    /// appends a new field, or (with nil) removes the field.
    public subscript(key: String) -> Value? {
        get { index(forKey: key).map { values[$0] } }
        set {
            if let i = index(forKey: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Removes the first field named `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = index(forKey: key) else { return nil }
        keys.remove(at: i)
        return values.remove(at: i)
    }

    /// The value at a dot path such as `"a.b.0.c"`: each component names a
    /// field of an embedded document, or (all digits) an index into an array.
    /// Nil when any step is missing. Paths do not fan out over array elements;
    /// matching `"a.b"` against every element of an array `a` is the query
    /// layer's job.
    public subscript(path path: String) -> Value? {
        var current = Value.document(self)
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .document(let d):
                guard let next = d[String(component)] else { return nil }
                current = next
            case .array(let a):
                guard let i = Document.arrayIndex(component), i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// A path component as an array index: ASCII digits without a leading zero.
    static func arrayIndex(_ component: Substring) -> Int? {
        guard !component.isEmpty, component.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            component.count == 1 || component.first != "0"
        else { return nil }
        return Int(component)
    }
}

extension Document: RandomAccessCollection {
    public typealias Element = (key: String, value: Value)
    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }
    public subscript(position: Int) -> (key: String, value: Value) { (keys[position], values[position]) }
}

extension Document: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) { self.init(elements) }
}
