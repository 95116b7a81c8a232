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
            return predicate.matches(try FieldValues(path: path, in: document))
        }
    }
}

extension Filter.Predicate {
    /// Whether the values a path reached satisfy the predicate. Comparisons
    /// hold only within a type bracket (numbers compare by value across int
    /// and double); null equality also matches a missing field.
    public func matches(_ values: FieldValues) -> Bool {
        switch self {
        case .eq(let v): return Self.equals(values, v)
        case .ne(let v): return !Self.equals(values, v)
        case .in(let vs): return vs.contains { Self.equals(values, $0) }
        case .nin(let vs): return !vs.contains { Self.equals(values, $0) }
        case .gt(let v): return Self.any(values, v) { $0 > 0 }
        case .gte(let v): return Self.any(values, v) { $0 >= 0 }
        case .lt(let v): return Self.any(values, v) { $0 < 0 }
        case .lte(let v): return Self.any(values, v) { $0 <= 0 }
        case .exists(let wanted): return values.isMissing != wanted
        case .icontains(let s): return Self.anyString(values) { $0.contains(s) }
        case .istartswith(let s): return Self.anyString(values) { $0.hasPrefix(s) }
        case .iendswith(let s): return Self.anyString(values) { $0.hasSuffix(s) }
        }
    }

    private static func equals(_ values: FieldValues, _ operand: Value) -> Bool {
        if operand.typeBracket == Value.null.typeBracket, values.isMissing { return true }
        return values.candidates.contains { $0.typeBracket == operand.typeBracket && Value.compare($0, operand) == 0 }
    }

    private static func any(_ values: FieldValues, _ operand: Value, _ test: (Int) -> Bool) -> Bool {
        values.candidates.contains { $0.typeBracket == operand.typeBracket && test(Value.compare($0, operand)) }
    }

    private static func anyString(_ values: FieldValues, _ test: (String) -> Bool) -> Bool {
        values.candidates.contains {
            if case .string(let s) = $0 { return test(s.lowercased()) }
            return false
        }
    }
}
