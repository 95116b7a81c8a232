import StrataDocument

/// A parsed Mongo-style filter: a pure value, checked once and then matched
/// against any number of documents.
///
/// ```swift
/// let f = try Filter(["status": "active", "age": ["$gte": 30], "$or": [["vip": true], ["score": ["$gt": 90]]]])
/// f.matches(document)
/// ```
public indirect enum Filter: Sendable, Hashable {
    /// Every document.
    case all
    /// Every one of the filters.
    case and([Filter])
    /// At least one of the filters.
    case or([Filter])
    /// A condition on the values at one path.
    case field(FieldPath, Predicate)

    /// A condition on the values a path reaches (see ``FieldValues``).
    public enum Predicate: Sendable, Hashable {
        case eq(Value)
        case ne(Value)
        case gt(Value)
        case gte(Value)
        case lt(Value)
        case lte(Value)
        case `in`([Value])
        case nin([Value])
        case exists(Bool)
        /// Case-insensitive substring, prefix and suffix tests on strings.
        case icontains(String)
        case istartswith(String)
        case iendswith(String)

        /// The operator's name as written in a filter.
        public var name: String {
            switch self {
            case .eq: "$eq"
            case .ne: "$ne"
            case .gt: "$gt"
            case .gte: "$gte"
            case .lt: "$lt"
            case .lte: "$lte"
            case .in: "$in"
            case .nin: "$nin"
            case .exists: "$exists"
            case .icontains: "$icontains"
            case .istartswith: "$istartswith"
            case .iendswith: "$iendswith"
            }
        }

        /// The operand as a value, for explain output.
        public var operand: Value {
            switch self {
            case .eq(let v), .ne(let v), .gt(let v), .gte(let v), .lt(let v), .lte(let v): v
            case .in(let vs), .nin(let vs): .array(vs)
            case .exists(let b): .bool(b)
            case .icontains(let s), .istartswith(let s), .iendswith(let s): .string(s)
            }
        }
    }

    /// Parses a filter document.
    /// - Throws: `QueryError` `.unknownOperator` for an operator the language
    ///   lacks, `.badOperand` for an ill-typed operand, `.badPath` for a bad
    ///   field path; each message names the operator and the path.
    public init(_ document: Document) throws(QueryError) {
        self = try Filter.parse(document, depth: 0)
    }

    /// Parses a filter written as relaxed Extended JSON.
    /// - Throws: `QueryError` `.badRequest` for text that is not a JSON object, else as ``init(_:)``.
    public init(json: String) throws(QueryError) {
        let document: Document
        do { document = try Document(extendedJSON: json) } catch {
            throw QueryError(.badRequest, "filter is not a JSON object: \(error.message)")
        }
        try self.init(document)
    }

    static let maxDepth = 100

    private static func parse(_ document: Document, depth: Int) throws(QueryError) -> Filter {
        guard depth < maxDepth else { throw QueryError(.badRequest, "filter nests deeper than \(maxDepth) levels") }
        var parts: [Filter] = []
        for (key, value) in document {
            switch key {
            case "$and", "$or":
                guard case .array(let elements) = value, !elements.isEmpty else {
                    throw QueryError(.badOperand, "\(key) needs a non-empty array of filter documents")
                }
                var branches: [Filter] = []
                for element in elements {
                    guard case .document(let d) = element else {
                        throw QueryError(
                            .badOperand, "\(key) needs an array of filter documents, found \(typeName(element))")
                    }
                    branches.append(try parse(d, depth: depth + 1))
                }
                parts.append(key == "$and" ? .and(branches) : .or(branches))
            default:
                if key.hasPrefix("$") {
                    throw QueryError(.unknownOperator, "unknown top-level operator \(key)")
                }
                let path = try FieldPath(key)
                parts.append(contentsOf: try parseCondition(value, path: path))
            }
        }
        return parts.count == 1 ? parts[0] : (parts.isEmpty ? .all : .and(parts))
    }

    /// `{"$gt": 1, "$lt": 5}` gives two predicates; any other value is implicit equality.
    private static func parseCondition(_ value: Value, path: FieldPath) throws(QueryError) -> [Filter] {
        guard case .document(let d) = value, let first = d.keys.first, first.hasPrefix("$") else {
            return [.field(path, .eq(value))]
        }
        var out: [Filter] = []
        for (op, operand) in d {
            guard op.hasPrefix("$") else {
                throw QueryError(
                    .badRequest, "field \(op.debugDescription) mixed with operators in the condition on \(path)")
            }
            out.append(.field(path, try predicate(op, operand, path: path)))
        }
        return out
    }

    private static func predicate(_ op: String, _ operand: Value, path: FieldPath) throws(QueryError) -> Predicate {
        func list() throws(QueryError) -> [Value] {
            guard case .array(let a) = operand else {
                throw QueryError(.badOperand, "\(op) on \(path) needs an array, found \(typeName(operand))")
            }
            return a
        }
        func text() throws(QueryError) -> String {
            guard case .string(let s) = operand else {
                throw QueryError(.badOperand, "\(op) on \(path) needs a string, found \(typeName(operand))")
            }
            return s.lowercased()
        }
        switch op {
        case "$eq": return .eq(operand)
        case "$ne": return .ne(operand)
        case "$gt": return .gt(operand)
        case "$gte": return .gte(operand)
        case "$lt": return .lt(operand)
        case "$lte": return .lte(operand)
        case "$in": return .in(try list())
        case "$nin": return .nin(try list())
        case "$exists":
            switch operand {
            case .bool(let b): return .exists(b)
            case .int32, .int64, .double: return .exists(operand.doubleValue != 0)
            default: throw QueryError(.badOperand, "$exists on \(path) needs a boolean, found \(typeName(operand))")
            }
        case "$icontains": return .icontains(try text())
        case "$istartswith": return .istartswith(try text())
        case "$iendswith": return .iendswith(try text())
        default: throw QueryError(.unknownOperator, "unknown operator \(op) on \(path)")
        }
    }

    /// Every path the filter reads.
    public var paths: [FieldPath] {
        switch self {
        case .all: []
        case .and(let fs), .or(let fs): fs.flatMap(\.paths)
        case .field(let p, _): [p]
        }
    }

    /// The top-level conjuncts (`.and` flattened).
    public var conjuncts: [Filter] {
        switch self {
        case .all: []
        case .and(let fs): fs.flatMap(\.conjuncts)
        default: [self]
        }
    }

    /// The filter as a document again, for explain output.
    public var document: Document {
        switch self {
        case .all: return [:]
        case .and(let fs): return ["$and": .array(fs.map { .document($0.document) })]
        case .or(let fs): return ["$or": .array(fs.map { .document($0.document) })]
        case .field(let p, let pred): return [p.text: .document([pred.name: pred.operand])]
        }
    }
}

/// A short name of a value's type for error messages.
func typeName(_ value: Value) -> String {
    switch value {
    case .document: "a document"
    case .array: "an array"
    case .string: "a string"
    case .null: "null"
    case .bool: "a boolean"
    case .int32, .int64, .double, .decimal128: "a number"
    default: "a \(value.bsonType)"
    }
}
