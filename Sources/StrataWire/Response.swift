/// A response: `{"id", "ok": true, "result"}` or
/// `{"id", "ok": false, "error": {"code", "message"}}`.
public enum Response: Hashable, Sendable {
    /// The request succeeded with `result`.
    case ok(id: UInt64, result: MessagePackValue)
    /// The request failed. `id` is `nil` only when the request's id could not be
    /// read (it is then sent as nil).
    case error(id: UInt64?, ResponseError)

    /// A failure response with the given code and message.
    public static func error(id: UInt64?, code: ResponseError.Code, message: String) -> Response {
        .error(id: id, ResponseError(code, message))
    }

    /// The request id this answers.
    public var id: UInt64? {
        switch self {
        case .ok(let id, _): id
        case .error(let id, _): id
        }
    }

    /// The response as a value.
    public var value: MessagePackValue {
        switch self {
        case .ok(let id, let result):
            return .map([(.string("id"), .uint(id)), (.string("ok"), .bool(true)), (.string("result"), result)])
        case .error(let id, let error):
            return .map([
                (.string("id"), id.map(MessagePackValue.uint) ?? .nil), (.string("ok"), .bool(false)),
                (.string("error"), error.value),
            ])
        }
    }

    /// Appends the response's MessagePack encoding (unframed) to `buffer`,
    /// without building an intermediate value.
    public func encode(into buffer: inout [UInt8]) {
        MessagePackEncoder.appendMapHeader(count: 3, into: &buffer)
        MessagePackEncoder.appendString("id", into: &buffer)
        switch self {
        case .ok(let id, let result):
            MessagePackEncoder.appendUInt(id, into: &buffer)
            MessagePackEncoder.appendString("ok", into: &buffer)
            buffer.append(0xC3)
            MessagePackEncoder.appendString("result", into: &buffer)
            MessagePackEncoder.encode(result, into: &buffer)
        case .error(let id, let error):
            if let id { MessagePackEncoder.appendUInt(id, into: &buffer) } else { buffer.append(0xC0) }
            MessagePackEncoder.appendString("ok", into: &buffer)
            buffer.append(0xC2)
            MessagePackEncoder.appendString("error", into: &buffer)
            MessagePackEncoder.appendMapHeader(count: 2, into: &buffer)
            MessagePackEncoder.appendString("code", into: &buffer)
            MessagePackEncoder.appendString(error.code.rawValue, into: &buffer)
            MessagePackEncoder.appendString("message", into: &buffer)
            MessagePackEncoder.appendString(error.message, into: &buffer)
        }
    }

    /// Parses a decoded response (the client side).
    ///
    /// Throws `ResponseError(.badRequest)` when `value` is not a well-formed
    /// response map.
    public init(from value: MessagePackValue) throws {
        guard value.mapValue != nil else {
            throw ResponseError.badRequest("a response must be a map, got \(value.typeName)")
        }
        guard let idValue = value["id"] else { throw ResponseError.badRequest("response has no \"id\"") }
        let id: UInt64?
        if idValue.isNil {
            id = nil
        } else if let value = idValue.uintValue {
            id = value
        } else {
            throw ResponseError.badRequest("response \"id\" must be a non-negative integer, got \(idValue.typeName)")
        }
        guard let ok = value["ok"]?.boolValue else {
            throw ResponseError.badRequest("response \"ok\" must be a bool")
        }
        if ok {
            guard let id else { throw ResponseError.badRequest("a successful response needs an \"id\"") }
            self = .ok(id: id, result: value["result"] ?? .nil)
        } else {
            guard let error = value["error"], let code = error["code"]?.stringValue,
                let message = error["message"]?.stringValue
            else {
                throw ResponseError.badRequest("response \"error\" must be a map with string \"code\" and \"message\"")
            }
            self = .error(id: id, ResponseError(ResponseError.Code(rawValue: code), message))
        }
    }
}
