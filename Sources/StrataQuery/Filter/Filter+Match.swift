import StrataDocument

extension Filter {
    /// Whether `document` satisfies the filter.
    public func matches(_ document: Document) -> Bool {
        switch self {
        case .all: true
        case .and(let fs): fs.allSatisfy { $0.matches(document) }
        case .or(let fs): fs.contains { $0.matches(document) }
        case .field(let path, let predicate): predicate.matches(FieldValues(path: path, in: document))
        }
    }

    /// Whether raw BSON satisfies the filter, reading only the fields the
    /// filter names and decoding only the values its paths reach.
    /// - Throws: `DocumentError` for malformed bytes on the way.
    public func matches(_ document: RawDocument) throws(DocumentError) -> Bool {
        switch self {
        case .all: return true
        case .and(let fs):
            for f in fs where !(try f.matches(document)) { return false }
            return true
        case .or(let fs):
            for f in fs where try f.matches(document) { return true }
            return false
        case .field(let path, let predicate):
            // The commonest filter, a top-level field equal to a string, is
            // answered in place; another type at that field (or malformed
            // bytes) takes the general path.
            if case .eq(.string(let s)) = predicate, path.components.count == 1,
                let match = document.matchString(forKey: path.components[0], s)
            {
                return match == .equal
            }
            return try Self.matches(path, predicate, lookingUpIn: document)
        }
    }

    /// ``matches(_:)-(RawDocument)`` without its in-place string step, for
    /// a caller that has taken that step already and found it stepped aside.
    func matchesByLookup(_ document: RawDocument) throws(DocumentError) -> Bool {
        guard case .field(let path, let predicate) = self else { return try matches(document) }
        return try Self.matches(path, predicate, lookingUpIn: document)
    }

    /// Whether the values `path` reaches in `document` satisfy `predicate`.
    private static func matches(_ path: FieldPath, _ predicate: Predicate, lookingUpIn document: RawDocument)
        throws(DocumentError) -> Bool
    {
        switch try FieldValues.lookup(path, in: document) {
        case .missing: return predicate.matches(CollectionOfOne<Value>?.none, isMissing: true)
        case .scalar(let raw):
            // The common equality on a string compares bytes in place.
            if case .eq(.string(let s)) = predicate, raw.type == .string { return raw.stringEquals(s) }
            return predicate.matches(CollectionOfOne(try raw.decode()), isMissing: false)
        case .leafArray(let raw):
            // A string equality holds when some element is that string
            // (the array itself is of another type bracket); a symbol,
            // which compares as a string, takes the general path.
            if case .eq(.string(let s)) = predicate, let elements = raw.document {
                var iterator = elements.makeIterator()
                var symbol = false
                while let field = try iterator.nextField() {
                    if field.value.stringEquals(s) { return true }
                    if field.value.type == .symbol { symbol = true }
                }
                if !symbol { return false }
            }
            return predicate.matches(try FieldValues(reached: raw))
        case .general:
            return predicate.matches(try FieldValues(path: path, in: document))
        }
    }
}

extension Filter.Predicate {
    /// Whether the values a path reached satisfy the predicate. Comparisons
    /// hold only within a type bracket (numbers compare by value across int
    /// and double); null equality also matches a missing field.
    public func matches(_ values: FieldValues) -> Bool {
        matches(values.entries.lazy.map(\.value), isMissing: values.isMissing)
    }

    /// Whether the candidate values of a path (leaves, leaf arrays and their
    /// elements; none when the path is missing) satisfy the predicate.
    func matches<C: Collection<Value>>(_ candidates: C?, isMissing: Bool) -> Bool {
        func any(_ test: (Value) -> Bool) -> Bool { candidates?.contains(where: test) ?? false }
        func equals(_ operand: Value) -> Bool {
            if operand.typeBracket == Value.null.typeBracket, isMissing { return true }
            return any { $0.typeBracket == operand.typeBracket && Value.compare($0, operand) == 0 }
        }
        func compares(_ operand: Value, _ test: (Int) -> Bool) -> Bool {
            any { $0.typeBracket == operand.typeBracket && test(Value.compare($0, operand)) }
        }
        func anyString(_ test: (String) -> Bool) -> Bool {
            any {
                if case .string(let s) = $0 { return test(s.lowercased()) }
                return false
            }
        }
        switch self {
        case .eq(let v): return equals(v)
        case .ne(let v): return !equals(v)
        case .in(let vs): return vs.contains { equals($0) }
        case .nin(let vs): return !vs.contains { equals($0) }
        case .gt(let v): return compares(v) { $0 > 0 }
        case .gte(let v): return compares(v) { $0 >= 0 }
        case .lt(let v): return compares(v) { $0 < 0 }
        case .lte(let v): return compares(v) { $0 <= 0 }
        case .exists(let wanted): return isMissing != wanted
        case .icontains(let s): return anyString { $0.contains(s) }
        case .istartswith(let s): return anyString { $0.hasPrefix(s) }
        case .iendswith(let s): return anyString { $0.hasSuffix(s) }
        }
    }
}

/// A filter prepared for testing many raw records, as a scan does. Its
/// commonest form, a top-level field equal to a string, keeps the field
/// name and the string as UTF-8 bytes, so that a test reads the record and
/// nothing else: no payload is copied out of the filter and no reference
/// count moves per record. Every test answers what
/// ``Filter/matches(_:)-(RawDocument)`` answers, which it falls back to for
/// every other filter and for a field that is not a plain string.
public struct RawMatcher: Sendable {
    enum Form: Sendable {
        case all
        case stringEquality(key: [UInt8], text: [UInt8])
        case general
    }

    /// The filter tested.
    public let filter: Filter
    let form: Form

    public init(_ filter: Filter) {
        self.filter = filter
        switch filter {
        case .all:
            form = .all
        case .field(let path, .eq(.string(let s))) where path.components.count == 1:
            form = .stringEquality(key: Array(path.components[0].utf8), text: Array(s.utf8))
        default:
            form = .general
        }
    }

    /// Whether raw BSON satisfies the filter.
    /// - Throws: `DocumentError` for malformed bytes on the way.
    @inline(__always)
    public func matches(_ document: RawDocument) throws(DocumentError) -> Bool {
        switch form {
        case .all:
            return true
        case .stringEquality(let key, let text):
            let match = key.withUnsafeBufferPointer { k in
                text.withUnsafeBufferPointer { t in document.matchString(forKeyBytes: k, t) }
            }
            if let match { return match == .equal }
            return try filter.matchesByLookup(document)
        case .general:
            return try filter.matches(document)
        }
    }
}
