import StrataWire

/// Typed helpers for the operations of DESIGN.md ("Wire protocol") that this
/// build serves. Each throws `ClientError` as ``Client/call(op:arguments:)`` does.
extension Client {
    /// `ping` → true when the server answered `"pong"`.
    @discardableResult
    public func ping() throws(ClientError) -> Bool {
        try call(op: "ping").stringValue == "pong"
    }

    /// `stats`: the server's figures as a map.
    public func stats() throws(ClientError) -> MessagePackValue {
        try call(op: "stats")
    }

    /// `kv_put`: stores `value` under `key` (creating the column family).
    public func kvPut(cf: String = "default", key: [UInt8], value: [UInt8]) throws(ClientError) {
        try call(op: "kv_put", arguments: [("cf", .string(cf)), ("key", .binary(key)), ("value", .binary(value))])
    }

    /// `kv_get`: the value under `key`, or nil.
    public func kvGet(cf: String = "default", key: [UInt8]) throws(ClientError) -> [UInt8]? {
        let result = try call(op: "kv_get", arguments: [("cf", .string(cf)), ("key", .binary(key))])
        if result.isNil { return nil }
        guard let bytes = result.binaryValue else {
            throw ClientError(.protocolViolation, "kv_get returned \(result.typeName), not binary")
        }
        return bytes
    }

    /// `kv_delete`: removes `key`.
    public func kvDelete(cf: String = "default", key: [UInt8]) throws(ClientError) {
        try call(op: "kv_delete", arguments: [("cf", .string(cf)), ("key", .binary(key))])
    }

    /// `kv_scan`: entries in key order, by `prefix` or by `start` (inclusive) /
    /// `end` (exclusive), at most `limit`.
    public func kvScan(
        cf: String = "default", prefix: [UInt8]? = nil, start: [UInt8]? = nil, end: [UInt8]? = nil, limit: Int? = nil
    ) throws(ClientError) -> [(key: [UInt8], value: [UInt8])] {
        var arguments: [(String, MessagePackValue)] = [("cf", .string(cf))]
        if let prefix { arguments.append(("prefix", .binary(prefix))) }
        if let start { arguments.append(("start", .binary(start))) }
        if let end { arguments.append(("end", .binary(end))) }
        if let limit { arguments.append(("limit", .int(Int64(limit)))) }
        let result = try call(op: "kv_scan", arguments: arguments)
        guard let rows = result.arrayValue else {
            throw ClientError(.protocolViolation, "kv_scan returned \(result.typeName), not an array")
        }
        var entries: [(key: [UInt8], value: [UInt8])] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard let key = row[0]?.binaryValue, let value = row[1]?.binaryValue else {
                throw ClientError(.protocolViolation, "kv_scan row is not [bin, bin]")
            }
            entries.append((key, value))
        }
        return entries
    }
}
