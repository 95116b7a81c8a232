/// A request: `{"id": <uint>, "op": <string>, ...arguments}`.
///
/// Parsing checks the envelope only: the payload is a map, every key is a
/// string and appears once, `id` is a non-negative integer and `op` a string.
/// The remaining entries are the arguments, read with the typed accessors in
/// `Request+Arguments.swift`.
public struct Request: Hashable, Sendable {
    /// The client's identifier, echoed in the response.
    public var id: UInt64
    /// The operation name, e.g. `"find"`.
    public var op: String
    /// Every entry except `id` and `op`, in the order received.
    public var arguments: [(name: String, value: MessagePackValue)]

    /// Creates a request.
    public init(id: UInt64, op: String, arguments: [(name: String, value: MessagePackValue)] = []) {
        self.id = id
        self.op = op
        self.arguments = arguments
    }

    /// Parses a decoded frame payload.
    ///
    /// Throws `ResponseError(.badRequest)` saying what is wrong: not a map, a
    /// non-string or repeated key, or a missing or ill-typed `id` or `op`.
    /// `Request.id(in:)` recovers the id for the error response where possible.
    public init(from value: MessagePackValue) throws {
        guard case .map(let pairs) = value else {
            throw ResponseError.badRequest("a request must be a map, got \(value.typeName)")
        }
        var id: UInt64?
        var op: String?
        var arguments: [(name: String, value: MessagePackValue)] = []
        arguments.reserveCapacity(pairs.count)
        var seen = Set<String>(minimumCapacity: pairs.count)
        for (key, entry) in pairs {
            guard case .string(let name) = key else {
                throw ResponseError.badRequest("request keys must be strings, got \(key.typeName) key \(key)")
            }
            guard seen.insert(name).inserted else {
                throw ResponseError.badRequest("request key \"\(name)\" appears more than once")
            }
            switch name {
            case "id":
                guard let value = entry.uintValue else {
                    throw ResponseError.badRequest(
                        "request \"id\" must be a non-negative integer, got \(entry.typeName)")
                }
                id = value
            case "op":
                guard case .string(let value) = entry else {
                    throw ResponseError.badRequest("request \"op\" must be a string, got \(entry.typeName)")
                }
                op = value
            default:
                arguments.append((name, entry))
            }
        }
        guard let id else { throw ResponseError.badRequest("request has no \"id\"") }
        guard let op else { throw ResponseError.badRequest("request has no \"op\"") }
        self.init(id: id, op: op, arguments: arguments)
    }

    /// The request's `id`, when `value` is a map holding a valid one, even if the
    /// rest of the request is bad: the id to put in the error response.
    public static func id(in value: MessagePackValue) -> UInt64? {
        value["id"]?.uintValue
    }

    /// The request as a value: `id`, `op`, then the arguments in order.
    public var value: MessagePackValue {
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = [
            (.string("id"), .uint(id)), (.string("op"), .string(op)),
        ]
        pairs.reserveCapacity(2 + arguments.count)
        for argument in arguments { pairs.append((.string(argument.name), argument.value)) }
        return .map(pairs)
    }

    /// Appends the request's MessagePack encoding (unframed) to `buffer`.
    public func encode(into buffer: inout [UInt8]) {
        MessagePackEncoder.appendMapHeader(count: 2 + arguments.count, into: &buffer)
        MessagePackEncoder.appendString("id", into: &buffer)
        MessagePackEncoder.appendUInt(id, into: &buffer)
        MessagePackEncoder.appendString("op", into: &buffer)
        MessagePackEncoder.appendString(op, into: &buffer)
        for argument in arguments {
            MessagePackEncoder.appendString(argument.name, into: &buffer)
            MessagePackEncoder.encode(argument.value, into: &buffer)
        }
    }

    /// Compares id, op and arguments in order.
    public static func == (lhs: Request, rhs: Request) -> Bool {
        lhs.id == rhs.id && lhs.op == rhs.op && lhs.arguments.count == rhs.arguments.count
            && zip(lhs.arguments, rhs.arguments).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(op)
        for argument in arguments {
            hasher.combine(argument.name)
            hasher.combine(argument.value)
        }
    }
}

extension MessagePackValue {
    /// The MessagePack type name, for error messages: `"string"`, `"map"`, …
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .bool: "bool"
        case .int, .uint: "int"
        case .float32, .float64: "float"
        case .string: "string"
        case .binary: "binary"
        case .array: "array"
        case .map: "map"
        case .ext: "ext"
        case .timestamp: "timestamp"
        }
    }
}
