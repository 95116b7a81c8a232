import StrataWire

extension Calls {
    /// `ping` → true when the server answered `"pong"`.
    public static func ping() -> ClientCall<Bool> {
        ClientCall(op: "ping", arguments: []) { value throws(ClientError) in value.stringValue == "pong" }
    }

    /// `stats`: the server's figures as a map.
    public static func stats() -> ClientCall<MessagePackValue> {
        ClientCall(op: "stats", arguments: []) { value throws(ClientError) in value }
    }

    /// `auth {token}`; the server answers `unauthorized` for a wrong token.
    public static func authenticate(token: String) -> ClientCall<Void> {
        ClientCall(op: "auth", arguments: [("token", .string(token))], decode: ResultShape.bool("auth"))
    }

    /// `kv_put`: stores `value` under `key` (creating the column family).
    public static func kvPut(cf: String = "default", key: [UInt8], value: [UInt8]) -> ClientCall<Void> {
        ClientCall(
            op: "kv_put", arguments: [("cf", .string(cf)), ("key", .binary(key)), ("value", .binary(value))],
            decode: ResultShape.bool("kv_put"))
    }

    /// `kv_get`: the value under `key`, or nil.
    public static func kvGet(cf: String = "default", key: [UInt8]) -> ClientCall<[UInt8]?> {
        ClientCall(op: "kv_get", arguments: [("cf", .string(cf)), ("key", .binary(key))]) {
            result throws(ClientError) in
            if result.isNil { return nil }
            guard let bytes = result.binaryValue else { throw ResultShape.violation("kv_get", "binary", result) }
            return bytes
        }
    }

    /// `kv_delete`: removes `key`.
    public static func kvDelete(cf: String = "default", key: [UInt8]) -> ClientCall<Void> {
        ClientCall(
            op: "kv_delete", arguments: [("cf", .string(cf)), ("key", .binary(key))],
            decode: ResultShape.bool("kv_delete"))
    }

    /// `kv_scan`: entries in key order, by `prefix` or by `start` (inclusive) /
    /// `end` (exclusive), at most `limit`.
    public static func kvScan(
        cf: String = "default", prefix: [UInt8]? = nil, start: [UInt8]? = nil, end: [UInt8]? = nil, limit: Int? = nil
    ) -> ClientCall<[(key: [UInt8], value: [UInt8])]> {
        var arguments: [(String, MessagePackValue)] = [("cf", .string(cf))]
        if let prefix { arguments.append(("prefix", .binary(prefix))) }
        if let start { arguments.append(("start", .binary(start))) }
        if let end { arguments.append(("end", .binary(end))) }
        if let limit { arguments.append(("limit", .int(Int64(limit)))) }
        return ClientCall(
            op: "kv_scan", arguments: arguments,
            decode: ResultShape.array("kv_scan") { row throws(ClientError) in
                guard let key = row[0]?.binaryValue, let value = row[1]?.binaryValue else {
                    throw ClientError(.protocolViolation, "kv_scan row is not [bin, bin]")
                }
                return (key, value)
            })
    }
}

/// Typed helpers for the operations of DESIGN.md ("Wire protocol") that this
/// build serves. Each throws `ClientError` as ``Client/call(op:arguments:)`` does.
extension Client {
    /// `ping` → true when the server answered `"pong"`.
    @discardableResult
    public func ping() throws(ClientError) -> Bool { try call(Calls.ping()) }

    /// `stats`: the server's figures as a map.
    public func stats() throws(ClientError) -> MessagePackValue { try call(Calls.stats()) }

    /// `kv_put`: stores `value` under `key` (creating the column family).
    public func kvPut(cf: String = "default", key: [UInt8], value: [UInt8]) throws(ClientError) {
        try call(Calls.kvPut(cf: cf, key: key, value: value))
    }

    /// `kv_get`: the value under `key`, or nil.
    public func kvGet(cf: String = "default", key: [UInt8]) throws(ClientError) -> [UInt8]? {
        try call(Calls.kvGet(cf: cf, key: key))
    }

    /// `kv_delete`: removes `key`.
    public func kvDelete(cf: String = "default", key: [UInt8]) throws(ClientError) {
        try call(Calls.kvDelete(cf: cf, key: key))
    }

    /// `kv_scan`: entries in key order, by `prefix` or by `start` (inclusive) /
    /// `end` (exclusive), at most `limit`.
    public func kvScan(
        cf: String = "default", prefix: [UInt8]? = nil, start: [UInt8]? = nil, end: [UInt8]? = nil, limit: Int? = nil
    ) throws(ClientError) -> [(key: [UInt8], value: [UInt8])] {
        try call(Calls.kvScan(cf: cf, prefix: prefix, start: start, end: end, limit: limit))
    }
}
