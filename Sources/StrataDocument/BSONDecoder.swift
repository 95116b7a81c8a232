/// Decodes BSON bytes into documents, strictly: every length is checked
/// against the bytes present and against the enclosing document, strings must
/// be NUL-terminated valid UTF-8, booleans 0 or 1, type bytes known, and the
/// input must be exactly one document. Malformed input throws
/// `DocumentError` `.corrupt` naming the problem and its offset; it never traps.
/// (The byte layout is drawn in BSONEncoder.swift.)
public struct BSONDecoder: Sendable {
    /// The limits checked while decoding.
    public var limits: BSONLimits

    /// Creates a decoder.
    public init(limits: BSONLimits = .default) { self.limits = limits }

    /// Decodes one document that spans all of `bytes`.
    /// - Throws: `DocumentError` `.corrupt` for malformed bytes, `.tooLarge`
    ///   and `.tooDeep` past the limits.
    public func decode(_ bytes: some Collection<UInt8>) throws(DocumentError) -> Document {
        guard bytes.count <= limits.maxSize else {
            throw DocumentError(.tooLarge, "document of \(bytes.count) bytes is over the limit of \(limits.maxSize)")
        }
        let array = Array(bytes)
        do {
            return try array.withUnsafeBytes { raw in
                let reader = Reader(scanner: BSONScanner(base: raw), limits: limits)
                let (document, end) = try reader.document(at: 0, limit: raw.count, depth: 1)
                guard end == raw.count else {
                    throw DocumentError.corrupt("\(raw.count - end) bytes after the document", at: end)
                }
                return document
            }
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError(.corrupt, "\(error)")
        }
    }

    /// Decodes the document spanning `start..<end` of `storage` in place,
    /// without copying it out first (``RawDocument/decode(limits:)``).
    func decode(storage: [UInt8], start: Int, end: Int) throws(DocumentError) -> Document {
        guard end - start <= limits.maxSize else {
            throw DocumentError(.tooLarge, "document of \(end - start) bytes is over the limit of \(limits.maxSize)")
        }
        return try typedThrows {
            try storage.withUnsafeBytes { raw throws(DocumentError) -> Document in
                let reader = Reader(scanner: BSONScanner(base: raw), limits: limits)
                let (document, documentEnd) = try reader.document(at: start, limit: end, depth: 1)
                guard documentEnd == end else {
                    throw DocumentError.corrupt("\(end - documentEnd) bytes after the document", at: documentEnd)
                }
                return document
            }
        }
    }

    struct Reader {
        let scanner: BSONScanner
        let limits: BSONLimits

        func document(at start: Int, limit: Int, depth: Int) throws(DocumentError) -> (Document, Int) {
            var d = Document(reservingCapacity: guessCount(at: start, limit: limit))
            let end = try elements(at: start, limit: limit, depth: depth) { (key, value) in d.append(key, value) }
            return (d, end)
        }

        /// A cheap guess at a document's field count from its declared length
        /// (checked later), so that its arrays grow at most once or twice.
        @inline(__always)
        func guessCount(at start: Int, limit: Int) -> Int {
            guard let n = try? scanner.int32(start, limit: limit) else { return 0 }
            return min(16, max(1, Int(n) / 24))
        }

        func array(at start: Int, limit: Int, depth: Int) throws(DocumentError) -> ([Value], Int) {
            var a: [Value] = []
            a.reserveCapacity(guessCount(at: start, limit: limit))
            let end = try elements(at: start, limit: limit, depth: depth) { (_, value) in a.append(value) }
            return (a, end)
        }

        private func elements(
            at start: Int, limit: Int, depth: Int, _ body: (String, Value) -> Void
        ) throws(DocumentError) -> Int {
            guard depth <= limits.maxDepth else {
                throw DocumentError(
                    .tooDeep, "document nested deeper than \(limits.maxDepth) levels at offset \(start)")
            }
            let end = try scanner.documentEnd(start, limit: limit)
            let inner = end - 1
            var p = start + 4
            while true {
                let type = try scanner.elementType(p, limit: end)
                if type == 0 {
                    guard p == inner else { throw .corrupt("document terminator before its declared end", at: p) }
                    return end
                }
                let (key, valueStart) = try scanner.cstring(p + 1, limit: inner)
                let (value, next) = try self.value(type: type, at: valueStart, limit: inner, depth: depth)
                body(key, value)
                p = next
            }
        }

        func value(type: UInt8, at p: Int, limit: Int, depth: Int) throws(DocumentError) -> (Value, Int) {
            let s = scanner
            switch type {
            case 0x01: return (.double(Double(bitPattern: UInt64(bitPattern: try s.int64(p, limit: limit)))), p + 8)
            case 0x02:
                let (str, end) = try s.string(p, limit: limit)
                return (.string(str), end)
            case 0x03:
                let (d, end) = try document(at: p, limit: limit, depth: depth + 1)
                return (.document(d), end)
            case 0x04:
                let (a, end) = try array(at: p, limit: limit, depth: depth + 1)
                return (.array(a), end)
            case 0x05:
                let n = Int(try s.int32(p, limit: limit))
                guard n >= 0, limit - (p + 5) >= n else { throw .corrupt("bad binary length \(n)", at: p) }
                let subtype = s.base[p + 4]
                if subtype == 2 {
                    let inner = Int(try s.int32(p + 5, limit: p + 5 + n))
                    guard inner == n - 4 else {
                        throw .corrupt("binary subtype 0x02 inner length \(inner) does not match \(n - 4)", at: p + 5)
                    }
                    return (
                        .binary(Binary(subtype: 2, bytes: try s.bytes(p + 9, count: inner, limit: limit))), p + 5 + n
                    )
                }
                return (.binary(Binary(subtype: subtype, bytes: try s.bytes(p + 5, count: n, limit: limit))), p + 5 + n)
            case 0x06: return (.undefined, p)
            case 0x07: return (.objectId(ObjectId(bytes: try s.bytes(p, count: 12, limit: limit))), p + 12)
            case 0x08:
                switch try s.byte(p, limit: limit) {
                case 0: return (.bool(false), p + 1)
                case 1: return (.bool(true), p + 1)
                case let b: throw .corrupt("boolean byte \(b) is neither 0 nor 1", at: p)
                }
            case 0x09: return (.datetime(try s.int64(p, limit: limit)), p + 8)
            case 0x0A: return (.null, p)
            case 0x0B:
                let (pattern, afterPattern) = try s.cstring(p, limit: limit)
                let (options, end) = try s.cstring(afterPattern, limit: limit)
                return (.regex(RegularExpression(pattern: pattern, options: options)), end)
            case 0x0C:
                let (namespace, end) = try s.string(p, limit: limit)
                let id = ObjectId(bytes: try s.bytes(end, count: 12, limit: limit))
                return (.dbPointer(namespace: namespace, id: id), end + 12)
            case 0x0D:
                let (code, end) = try s.string(p, limit: limit)
                return (.javascript(code), end)
            case 0x0E:
                let (symbol, end) = try s.string(p, limit: limit)
                return (.symbol(symbol), end)
            case 0x0F:
                let n = Int(try s.int32(p, limit: limit))
                guard n >= 14, limit - p >= n else { throw .corrupt("bad code-with-scope length \(n)", at: p) }
                let end = p + n
                let (code, scopeStart) = try s.string(p + 4, limit: end)
                let (scope, scopeEnd) = try document(at: scopeStart, limit: end, depth: depth + 1)
                guard scopeEnd == end else {
                    throw .corrupt("code-with-scope length \(n) does not match its contents", at: p)
                }
                return (.javascriptWithScope(code: code, scope: scope), end)
            case 0x10: return (.int32(try s.int32(p, limit: limit)), p + 4)
            case 0x11:
                let u = UInt64(bitPattern: try s.int64(p, limit: limit))
                return (
                    .timestamp(Timestamp(seconds: UInt32(u >> 32), increment: UInt32(truncatingIfNeeded: u))), p + 8
                )
            case 0x12: return (.int64(try s.int64(p, limit: limit)), p + 8)
            case 0x13: return (.decimal128(Decimal128(bytes: try s.bytes(p, count: 16, limit: limit))), p + 16)
            case 0x7F: return (.maxKey, p)
            case 0xFF: return (.minKey, p)
            default:
                throw .corrupt("unknown BSON type 0x\(Hex.encode([type]))", at: p)
            }
        }
    }
}

extension Document {
    /// Decodes a document from BSON bytes with the default limits.
    /// - Throws: see ``BSONDecoder/decode(_:)``.
    public init(bson bytes: some Collection<UInt8>) throws(DocumentError) {
        self = try BSONDecoder().decode(bytes)
    }
}
