import StrataDocument

/// A parsed update: operators on dot paths, applied in order.
///
/// ```swift
/// let u = try Update(["$set": ["a.b": 1], "$inc": ["n": 2], "$push": ["tags": "x"]])
/// try u.apply(to: &document)
/// ```
/// A document without operators (`{"name": "x"}`) means `$set` of each field.
public struct Update: Sendable, Hashable {
    /// One change to one path.
    public enum Operation: Sendable, Hashable {
        case set(FieldPath, Value)
        case unset(FieldPath)
        case inc(FieldPath, Value)
        case push(FieldPath, Value)
        /// Removes the last element, or the first with `first`.
        case pop(FieldPath, first: Bool)
        case rename(FieldPath, to: FieldPath)
    }

    /// The changes, in the order written.
    public var operations: [Operation]

    public init(operations: [Operation]) { self.operations = operations }

    /// Parses an update document.
    /// - Throws: `QueryError` `.unknownOperator` for an operator the language
    ///   lacks, `.badOperand` for an ill-typed operand, `.badRequest` for
    ///   operators mixed with plain fields, an empty update or a change to `_id`.
    public init(_ document: Document) throws(QueryError) {
        guard !document.isEmpty else { throw QueryError(.badRequest, "update is empty") }
        let operators = document.keys.filter { $0.hasPrefix("$") }
        if operators.isEmpty {
            var ops: [Operation] = []
            for (key, value) in document { ops.append(.set(try Update.path(key, "$set"), value)) }
            self.init(operations: ops)
            return
        }
        guard operators.count == document.count else {
            throw QueryError(.badRequest, "update mixes operators with plain fields")
        }
        var ops: [Operation] = []
        for (op, fields) in document {
            guard case .document(let d) = fields else {
                throw QueryError(.badOperand, "\(op) needs a document of fields, found \(typeName(fields))")
            }
            for (key, operand) in d {
                let path = try Update.path(key, op)
                switch op {
                case "$set": ops.append(.set(path, operand))
                case "$unset": ops.append(.unset(path))
                case "$inc":
                    guard operand.isNumber else {
                        throw QueryError(.badOperand, "$inc on \(path) needs a number, found \(typeName(operand))")
                    }
                    ops.append(.inc(path, operand))
                case "$push": ops.append(.push(path, operand))
                case "$pop":
                    guard let d = operand.doubleValue, d == 1 || d == -1 else {
                        throw QueryError(.badOperand, "$pop on \(path) needs 1 or -1")
                    }
                    ops.append(.pop(path, first: d < 0))
                case "$rename":
                    guard case .string(let target) = operand else {
                        throw QueryError(.badOperand, "$rename on \(path) needs a string, found \(typeName(operand))")
                    }
                    let to = try Update.path(target, op)
                    guard to != path else { throw QueryError(.badOperand, "$rename on \(path) renames it to itself") }
                    ops.append(.rename(path, to: to))
                default: throw QueryError(.unknownOperator, "unknown update operator \(op) on \(path)")
                }
            }
        }
        self.init(operations: ops)
    }

    /// Parses an update written as relaxed Extended JSON.
    /// - Throws: `QueryError` `.badRequest` for text that is not a JSON object, else as ``init(_:)``.
    public init(json: String) throws(QueryError) {
        let document: Document
        do { document = try Document(extendedJSON: json) } catch {
            throw QueryError(.badRequest, "update is not a JSON object: \(error.message)")
        }
        try self.init(document)
    }

    private static func path(_ key: String, _ op: String) throws(QueryError) -> FieldPath {
        try validatePath(key, context: op)
        let path = FieldPath(unchecked: key)
        if path.components[0] == "_id" { throw QueryError(.badRequest, "\(op) may not change _id") }
        return path
    }

    /// Applies the changes to `document`.
    /// - Throws: `QueryError` `.badOperand` when a path's current value has the
    ///   wrong type (`$inc` of a string, `$push` onto a number), `.badPath` when
    ///   a path cannot be walked.
    public func apply(to document: inout Document) throws(QueryError) {
        for op in operations {
            switch op {
            case .set(let p, let v): try Update.set(v, p, in: &document, "$set")
            case .unset(let p): try Update.set(nil, p, in: &document, "$unset")
            case .inc(let p, let delta):
                let current = document[path: p.text]
                try Update.set(try Update.add(current, delta, path: p), p, in: &document, "$inc")
            case .push(let p, let v):
                switch document[path: p.text] {
                case nil: try Update.set(.array([v]), p, in: &document, "$push")
                case .array(var a)?:
                    a.append(v)
                    try Update.set(.array(a), p, in: &document, "$push")
                case let other?:
                    throw QueryError(.badOperand, "$push on \(p) needs an array there, found \(typeName(other))")
                }
            case .pop(let p, let first):
                switch document[path: p.text] {
                case nil: break
                case .array(var a)?:
                    if !a.isEmpty { if first { a.removeFirst() } else { a.removeLast() } }
                    try Update.set(.array(a), p, in: &document, "$pop")
                case let other?:
                    throw QueryError(.badOperand, "$pop on \(p) needs an array there, found \(typeName(other))")
                }
            case .rename(let from, let to):
                guard let v = document[path: from.text] else { continue }
                try Update.set(nil, from, in: &document, "$rename")
                try Update.set(v, to, in: &document, "$rename")
            }
        }
    }

    private static func set(_ value: Value?, _ path: FieldPath, in document: inout Document, _ op: String)
        throws(QueryError)
    {
        do { try document.setValue(value, atPath: path.text) } catch {
            throw QueryError(.badPath, "\(op) on \(path): \(error.message)")
        }
    }

    /// `current + delta`, keeping integers integral (int32 widening to int64
    /// on overflow) and going to double when either side is one.
    static func add(_ current: Value?, _ delta: Value, path: FieldPath) throws(QueryError) -> Value {
        guard let current else { return delta }
        switch (current, delta) {
        case (.int32(let a), .int32(let b)):
            let (r, o) = a.addingReportingOverflow(b)
            return o ? .int64(Int64(a) + Int64(b)) : .int32(r)
        case (.int32, .int64), (.int64, .int32), (.int64, .int64):
            let (r, o) = current.int64Value!.addingReportingOverflow(delta.int64Value!)
            if o { throw QueryError(.badOperand, "$inc on \(path) overflows a 64-bit integer") }
            return .int64(r)
        default:
            guard current.isNumber else {
                throw QueryError(.badOperand, "$inc on \(path) needs a number there, found \(typeName(current))")
            }
            return .double(current.doubleValue! + delta.doubleValue!)
        }
    }
}
