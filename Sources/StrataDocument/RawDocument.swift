/// A read-only view over the BSON bytes of one document that finds fields
/// without decoding the rest: the hot path of query filters.
///
/// The bytes are shared, not copied (`[UInt8]` is copy-on-write; views of
/// embedded documents point into the same storage). Skipping an element
/// reads only its type byte, key terminator and length prefix, checked
/// against the enclosing document's bounds, and allocates nothing; the
/// contents of skipped strings and documents are not validated until a
/// caller decodes them.
///
///     bytes: … | int32 len | type key\0 value | type key\0 value | … | 00 | …
///              ^ start                                                ^ end
public struct RawDocument: Sendable {
    /// The storage the view points into (may hold more than this document).
    public let storage: [UInt8]
    /// Offset of this document's length prefix in `storage`.
    public let start: Int
    /// One past this document's terminating 0x00.
    public let end: Int

    /// Views `bytes`, which must hold exactly one document. Checks only the
    /// outer length, terminator and size limit; fields are checked as they are read.
    /// - Throws: `DocumentError` `.corrupt` or `.tooLarge`.
    public init(bytes: [UInt8], limits: BSONLimits = .default) throws(DocumentError) {
        guard bytes.count <= limits.maxSize else {
            throw DocumentError(.tooLarge, "document of \(bytes.count) bytes is over the limit of \(limits.maxSize)")
        }
        let end = try typedThrows {
            try bytes.withUnsafeBytes { raw throws(DocumentError) in
                try BSONScanner(base: raw).documentEnd(0, limit: raw.count)
            }
        }
        guard end == bytes.count else { throw .corrupt("\(bytes.count - end) bytes after the document", at: end) }
        self.init(storage: bytes, start: 0, end: end)
    }

    /// Views a stored record's bytes, checking only that the length prefix
    /// says `bytes.count` and the size limit. The terminator, which lies in
    /// another cache line for all but small records, is not read here: every
    /// walk over the fields (a lookup that misses, the iterator, `decode`)
    /// reaches it and throws `.corrupt` when it is not 0x00. For the query
    /// executor's reads, which take and hand on records they may never open.
    /// - Throws: `DocumentError` `.corrupt` or `.tooLarge`.
    public init(storedBytes bytes: [UInt8], limits: BSONLimits = .default) throws(DocumentError) {
        guard bytes.count <= limits.maxSize else {
            throw DocumentError(.tooLarge, "document of \(bytes.count) bytes is over the limit of \(limits.maxSize)")
        }
        let n = try typedThrows {
            try bytes.withUnsafeBytes { raw throws(DocumentError) in try BSONScanner(base: raw).int32(0, limit: raw.count) }
        }
        guard n >= 5, Int(n) == bytes.count else {
            throw .corrupt("document length \(n) for a record of \(bytes.count) bytes", at: 0)
        }
        self.init(storage: bytes, start: 0, end: bytes.count)
    }

    /// Views a stored record's bytes that ``init(storedBytes:limits:)``
    /// accepted before (the same array, which never changes), without
    /// checking them again: for a result set that held the array and hands
    /// it out on demand.
    public init(acceptedStoredBytes bytes: [UInt8]) {
        self.init(storage: bytes, start: 0, end: bytes.count)
    }

    init(storage: [UInt8], start: Int, end: Int) {
        self.storage = storage
        self.start = start
        self.end = end
    }

    /// The bytes of this document alone.
    public var bytes: ArraySlice<UInt8> { storage[start..<end] }

    /// Decodes the whole document.
    /// - Throws: `DocumentError` `.corrupt` for malformed contents.
    public func decode(limits: BSONLimits = .default) throws(DocumentError) -> Document {
        try BSONDecoder(limits: limits).decode(storage: storage, start: start, end: end)
    }

    /// The first top-level field named `key`, or nil.
    /// - Throws: `DocumentError` `.corrupt` if the elements before it are malformed.
    public func value(forKey key: String) throws(DocumentError) -> RawValue? {
        var key = key
        return try typedThrows { try key.withUTF8 { k in try find(path: k, splitOnDots: false) } }
    }

    /// The value at a dot path (`"a.b.0.c"`): components name fields of
    /// embedded documents or, for arrays, element positions. Nil when any step is missing.
    /// - Throws: `DocumentError` `.corrupt` if the elements walked over are malformed.
    public func value(atPath path: String) throws(DocumentError) -> RawValue? {
        var path = path
        return try typedThrows { try path.withUTF8 { p in try find(path: p, splitOnDots: true) } }
    }

    /// How the first top-level field named `key` stands against the string
    /// `text`, for a filter's string equality.
    public enum StringFieldMatch: Sendable, Equatable {
        /// No top-level field has that name.
        case missing
        /// The field is a string equal to `text`.
        case equal
        /// The field is a string not equal to `text`.
        case unequal
    }

    /// Compares the first top-level field named `key` with the string `text`
    /// in place, retaining and allocating nothing: what
    /// `value(forKey: key)?.stringEquals(text)` answers, without
    /// materializing the value. Nil when that field is not a string (a
    /// symbol, an array, a number…), whose comparison has rules of its own,
    /// or when the elements before it are malformed: ``value(forKey:)``
    /// then says what is wrong.
    public func matchString(forKey key: String, _ text: String) -> StringFieldMatch? {
        var key = key
        var text = text
        return key.withUTF8 { k in text.withUTF8 { t in matchString(forKeyBytes: k, t) } }
    }

    /// ``matchString(forKey:_:)`` with the key and the string as UTF-8
    /// bytes, for a caller that tests many records against one filter and
    /// keeps them ready.
    public func matchString(forKeyBytes k: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>)
        -> StringFieldMatch?
    {
        storage.withUnsafeBytes { raw -> StringFieldMatch? in
            let scanner = BSONScanner(base: raw)
            let inner = end - 1
            var p = start + 4
            do throws(DocumentError) {
                while true {
                    let type = try scanner.elementType(p, limit: end)
                    if type == 0 { return .missing }
                    let keyEnd = try scanner.cstringEnd(p + 1, limit: inner)
                    let valueEnd = try scanner.valueEnd(type: type, keyEnd, limit: inner)
                    if keyEnd - 1 - (p + 1) == k.count, Self.same(raw, p + 1, k) {
                        guard type == BSONType.string.rawValue else { return nil }
                        // A string is `int32 n | n - 1 bytes | 0x00`, its length checked.
                        guard valueEnd - keyEnd - 5 == t.count else { return .unequal }
                        return Self.same(raw, keyEnd + 4, t) ? .equal : .unequal
                    }
                    p = valueEnd
                }
            } catch {
                return nil
            }
        }
    }

    /// Whether `raw[at...]` begins with the bytes of `text` (which fit).
    @inline(__always)
    private static func same(_ raw: UnsafeRawBufferPointer, _ at: Int, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<text.count where raw[at + i] != text[i] { return false }
        return true
    }

    private func find(path: UnsafeBufferPointer<UInt8>, splitOnDots: Bool) throws(DocumentError) -> RawValue? {
        guard let (type, valueStart, valueEnd) = try locate(path: path, splitOnDots: splitOnDots) else { return nil }
        return RawValue(type: BSONType(rawValue: type)!, storage: storage, start: valueStart, end: valueEnd)
    }

    /// The type byte and value bounds of the field at `path`, or nil.
    private func locate(
        path: UnsafeBufferPointer<UInt8>, splitOnDots: Bool
    ) throws(DocumentError) -> (type: UInt8, valueStart: Int, valueEnd: Int)? {
        try typedThrows {
            try storage.withUnsafeBytes { raw throws(DocumentError) -> (type: UInt8, valueStart: Int, valueEnd: Int)? in
                let scanner = BSONScanner(base: raw)
                var docStart = start
                var docEnd = end
                var isArray = false
                var componentStart = 0
                while true {
                    var componentEnd = componentStart
                    if splitOnDots {
                        while componentEnd < path.count, path[componentEnd] != UInt8(ascii: ".") { componentEnd += 1 }
                    } else {
                        componentEnd = path.count
                    }
                    let length = componentEnd - componentStart
                    var wantedIndex = -1
                    if isArray {
                        guard let i = RawDocument.arrayIndex(path, componentStart, componentEnd) else { return nil }
                        wantedIndex = i
                    }
                    // Walk the elements of the current document.
                    let inner = docEnd - 1
                    var p = docStart + 4
                    var index = 0
                    var found: (type: UInt8, valueStart: Int, valueEnd: Int)?
                    while true {
                        let type = try scanner.elementType(p, limit: docEnd)
                        if type == 0 { return nil }
                        let keyEnd = try scanner.cstringEnd(p + 1, limit: inner)
                        let valueEnd = try scanner.valueEnd(type: type, keyEnd, limit: inner)
                        let matches: Bool
                        if isArray {
                            matches = index == wantedIndex
                        } else if keyEnd - 1 - (p + 1) == length {
                            var same = true
                            var i = 0
                            while i < length {
                                if raw[p + 1 + i] != path[componentStart + i] {
                                    same = false
                                    break
                                }
                                i += 1
                            }
                            matches = same
                        } else {
                            matches = false
                        }
                        if matches {
                            found = (type, keyEnd, valueEnd)
                            break
                        }
                        p = valueEnd
                        index += 1
                    }
                    guard let (type, valueStart, valueEnd) = found else { return nil }
                    if componentEnd >= path.count { return (type, valueStart, valueEnd) }
                    guard type == BSONType.document.rawValue || type == BSONType.array.rawValue else { return nil }
                    docStart = valueStart
                    docEnd = valueEnd
                    isArray = type == BSONType.array.rawValue
                    componentStart = componentEnd + 1
                }
            }
        }
    }

    static func arrayIndex(_ path: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        guard to > from, to - from <= 9, to - from == 1 || path[from] != UInt8(ascii: "0") else { return nil }
        var n = 0
        for i in from..<to {
            let c = path[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            n = n * 10 + Int(c - 0x30)
        }
        return n
    }

    /// An iterator over the top-level fields, reading each only when asked.
    public func makeIterator() -> Iterator { Iterator(document: self) }

    /// Walks the top-level fields in order. `nextField()` throws on malformed
    /// bytes instead of ending silently, so this is not a `Sequence`. Each
    /// field's key is materialized as a `String`; values stay undecoded.
    public struct Iterator: Sendable {
        let document: RawDocument
        var position: Int
        var done = false

        init(document: RawDocument) {
            self.document = document
            self.position = document.start + 4
        }

        /// The next field, or nil after the last.
        /// - Throws: `DocumentError` `.corrupt` for a malformed element or key.
        public mutating func nextField() throws(DocumentError) -> RawField? {
            if done { return nil }
            let d = document
            let p = position
            let field = try typedThrows {
                try d.storage.withUnsafeBytes { raw throws(DocumentError) -> RawField? in
                    let scanner = BSONScanner(base: raw)
                    let inner = d.end - 1
                    let type = try scanner.elementType(p, limit: d.end)
                    if type == 0 {
                        guard p == inner else { throw .corrupt("document terminator before its declared end", at: p) }
                        return nil
                    }
                    let (key, valueStart) = try scanner.cstring(p + 1, limit: inner)
                    let valueEnd = try scanner.valueEnd(type: type, valueStart, limit: inner)
                    return RawField(
                        key: key,
                        value: RawValue(
                            type: BSONType(rawValue: type)!, storage: d.storage, start: valueStart, end: valueEnd))
                }
            }
            if let field {
                position = field.value.end
            } else {
                done = true
            }
            return field
        }
    }
}

/// One field read by a ``RawDocument/Iterator``.
public struct RawField: Sendable {
    public var key: String
    public var value: RawValue
}

/// The undecoded bytes of one value inside a ``RawDocument``.
public struct RawValue: Sendable {
    /// The BSON type byte of the value.
    public let type: BSONType
    /// The storage shared with the document.
    public let storage: [UInt8]
    /// Offset of the value's first byte (after the key).
    public let start: Int
    /// One past the value's last byte.
    public let end: Int

    /// Decodes the value fully.
    /// - Throws: `DocumentError` `.corrupt` for malformed contents.
    public func decode(limits: BSONLimits = .default) throws(DocumentError) -> Value {
        try typedThrows {
            try storage.withUnsafeBytes { raw throws(DocumentError) -> Value in
                let reader = BSONDecoder.Reader(scanner: BSONScanner(base: raw), limits: limits)
                let (value, valueEnd) = try reader.value(type: type.rawValue, at: start, limit: end, depth: 1)
                guard valueEnd == end else { throw .corrupt("value length mismatch", at: start) }
                return value
            }
        }
    }

    /// The embedded document or array as a lazy view, if this is one.
    public var document: RawDocument? {
        guard type == .document || type == .array else { return nil }
        return RawDocument(storage: storage, start: start, end: end)
    }

    /// The value as a double without decoding anything else, for int32, int64 and double.
    public var doubleValue: Double? {
        switch type {
        case .double: Double(bitPattern: load(UInt64.self))
        case .int32: Double(Int32(bitPattern: load(UInt32.self)))
        case .int64: Double(Int64(bitPattern: load(UInt64.self)))
        default: nil
        }
    }

    /// The value as an Int64 for int32 and int64.
    public var int64Value: Int64? {
        switch type {
        case .int32: Int64(Int32(bitPattern: load(UInt32.self)))
        case .int64: Int64(bitPattern: load(UInt64.self))
        default: nil
        }
    }

    /// The boolean, if this is one (nil also for a bool byte other than 0 or 1).
    public var boolValue: Bool? {
        guard type == .bool, storage[start] <= 1 else { return nil }
        return storage[start] == 1
    }

    /// The string (checked to be valid UTF-8), if this is a string; nil otherwise
    /// or when its bytes are malformed.
    public var stringValue: String? {
        guard type == .string, case .string(let s)? = try? decode() else { return nil }
        return s
    }

    /// Whether this is a string equal to `text`, compared in place without allocating.
    public func stringEquals(_ text: String) -> Bool {
        guard type == .string, end - start >= 5 else { return false }
        var text = text
        return text.withUTF8 { t in
            guard end - start - 5 == t.count else { return false }
            for i in 0..<t.count where storage[start + 4 + i] != t[i] { return false }
            return true
        }
    }

    private func load<T: FixedWidthInteger>(_: T.Type) -> T {
        storage.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: T.self)) }
    }
}
