// BSON 1.1 (bsonspec.org), all integers little-endian:
//
//   document  := int32 total_length | element* | 0x00
//                 └ total_length counts itself and the trailing 0x00
//   element   := type:uint8 | key:cstring | value
//   cstring   := UTF-8 bytes without 0x00 | 0x00
//   string    := int32 n | n-1 UTF-8 bytes (may hold 0x00) | 0x00
//   binary    := int32 n | subtype:uint8 | n bytes
//                 (subtype 0x02: the n bytes are int32 n-4 | n-4 bytes)
//   codeWScope:= int32 total | string code | document scope
//   dbPointer := string namespace | 12-byte ObjectId
//   regex     := cstring pattern | cstring options
//   timestamp := uint32 increment | uint32 seconds   (one uint64, seconds high)

/// Limits applied on both encode and decode.
public struct BSONLimits: Sendable, Hashable {
    /// The largest document in bytes (default 16 MiB, as MongoDB).
    public var maxSize: Int
    /// The deepest nesting of documents and arrays; the top-level document is depth 1.
    public var maxDepth: Int
    /// Creates limits.
    public init(maxSize: Int = 16 * 1024 * 1024, maxDepth: Int = 100) {
        self.maxSize = maxSize
        self.maxDepth = maxDepth
    }
    /// 16 MiB, depth 100.
    public static let `default` = BSONLimits()
}

/// Encodes documents to BSON bytes.
public struct BSONEncoder: Sendable {
    /// The limits checked while encoding.
    public var limits: BSONLimits

    /// Creates an encoder.
    public init(limits: BSONLimits = .default) { self.limits = limits }

    /// Encodes a document.
    /// - Throws: `DocumentError` `.invalidKey` for a key or regex part holding a
    ///   NUL byte, `.tooDeep` past the depth limit, `.tooLarge` past the size limit.
    public func encode(_ document: Document) throws(DocumentError) -> [UInt8] {
        var writer = Writer(limits: limits)
        try writer.document(document, depth: 1)
        return writer.out
    }

    struct Writer {
        let limits: BSONLimits
        var out: [UInt8] = []

        init(limits: BSONLimits) {
            self.limits = limits
            out.reserveCapacity(256)
        }

        mutating func document(_ d: Document, depth: Int) throws(DocumentError) {
            let start = try open(depth: depth)
            for i in 0..<d.count {
                try element(d.keys[i], d.values[i], depth: depth)
            }
            try close(start)
        }

        mutating func array(_ a: [Value], depth: Int) throws(DocumentError) {
            let start = try open(depth: depth)
            for (i, v) in a.enumerated() {
                try element(String(i), v, depth: depth)
            }
            try close(start)
        }

        private mutating func open(depth: Int) throws(DocumentError) -> Int {
            guard depth <= limits.maxDepth else {
                throw DocumentError(.tooDeep, "document nested deeper than \(limits.maxDepth) levels")
            }
            let start = out.count
            int32(0)
            return start
        }

        private mutating func close(_ start: Int) throws(DocumentError) {
            out.append(0)
            let length = out.count - start
            guard length <= limits.maxSize else {
                throw DocumentError(.tooLarge, "document of \(length) bytes is over the limit of \(limits.maxSize)")
            }
            let l = UInt32(length)
            for i in 0..<4 { out[start + i] = UInt8(truncatingIfNeeded: l >> (8 * i)) }
        }

        mutating func element(_ key: String, _ value: Value, depth: Int) throws(DocumentError) {
            out.append(value.bsonType.rawValue)
            try cstring(key, what: "key")
            switch value {
            case .null, .undefined, .minKey, .maxKey: break
            case .bool(let b): out.append(b ? 1 : 0)
            case .int32(let v): int32(v)
            case .int64(let v): int64(v)
            case .double(let v): int64(Int64(bitPattern: v.bitPattern))
            case .decimal128(let d): out.append(contentsOf: d.bytes)
            case .string(let s), .javascript(let s), .symbol(let s): string(s)
            case .binary(let b):
                if b.subtype == 2 {
                    int32(Int32(b.bytes.count + 4))
                    out.append(2)
                    int32(Int32(b.bytes.count))
                } else {
                    int32(Int32(b.bytes.count))
                    out.append(b.subtype)
                }
                out.append(contentsOf: b.bytes)
            case .objectId(let o): out.append(contentsOf: o.bytes)
            case .datetime(let ms): int64(ms)
            case .timestamp(let t): int64(Int64(bitPattern: UInt64(t.seconds) << 32 | UInt64(t.increment)))
            case .regex(let r):
                try cstring(r.pattern, what: "regex pattern")
                try cstring(r.options, what: "regex options")
            case .array(let a): try array(a, depth: depth + 1)
            case .document(let d): try document(d, depth: depth + 1)
            case .javascriptWithScope(let code, let scope):
                let start = out.count
                int32(0)
                string(code)
                try document(scope, depth: depth + 1)
                let l = UInt32(out.count - start)
                for i in 0..<4 { out[start + i] = UInt8(truncatingIfNeeded: l >> (8 * i)) }
            case .dbPointer(let namespace, let id):
                string(namespace)
                out.append(contentsOf: id.bytes)
            }
            guard out.count <= limits.maxSize else {
                throw DocumentError(.tooLarge, "document is over the limit of \(limits.maxSize) bytes")
            }
        }

        private mutating func cstring(_ s: String, what: String) throws(DocumentError) {
            let start = out.count
            out.append(contentsOf: s.utf8)
            if out[start...].contains(0) {
                throw DocumentError(.invalidKey, "\(what) \(s.debugDescription) contains a NUL byte")
            }
            out.append(0)
        }

        private mutating func string(_ s: String) {
            let start = out.count
            int32(0)
            out.append(contentsOf: s.utf8)
            out.append(0)
            let l = UInt32(out.count - start - 4)
            for i in 0..<4 { out[start + i] = UInt8(truncatingIfNeeded: l >> (8 * i)) }
        }

        mutating func int32(_ v: Int32) {
            let u = UInt32(bitPattern: v)
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: u >> (8 * i))) }
        }

        mutating func int64(_ v: Int64) {
            let u = UInt64(bitPattern: v)
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: u >> (8 * i))) }
        }
    }
}

extension Document {
    /// This document as BSON bytes, with the default limits.
    /// - Throws: see ``BSONEncoder/encode(_:)``.
    public func bson() throws(DocumentError) -> [UInt8] {
        try BSONEncoder().encode(self)
    }
}
