/// Bounds-checked reads over BSON bytes, shared by the decoder and
/// `RawDocument`. Every read takes a `limit` (one past the last byte it may
/// touch) and throws `.corrupt` rather than read beyond it; nothing here
/// allocates except the string constructors.
struct BSONScanner {
    let base: UnsafeRawBufferPointer

    func byte(_ at: Int, limit: Int) throws(DocumentError) -> UInt8 {
        guard at < limit else { throw .corrupt("unexpected end of data", at: at) }
        return base[at]
    }

    func int32(_ at: Int, limit: Int) throws(DocumentError) -> Int32 {
        guard at >= 0, limit - at >= 4 else { throw .corrupt("truncated int32", at: at) }
        return Int32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: Int32.self))
    }

    func int64(_ at: Int, limit: Int) throws(DocumentError) -> Int64 {
        guard at >= 0, limit - at >= 8 else { throw .corrupt("truncated 8-byte value", at: at) }
        return Int64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }

    func bytes(_ at: Int, count: Int, limit: Int) throws(DocumentError) -> [UInt8] {
        guard count >= 0, limit - at >= count else { throw .corrupt("truncated \(count)-byte value", at: at) }
        return Array(UnsafeRawBufferPointer(rebasing: base[at..<at + count]))
    }

    /// The element type byte at `at`: 0x00 (end of document) or a known BSON type.
    func elementType(_ at: Int, limit: Int) throws(DocumentError) -> UInt8 {
        let type = try byte(at, limit: limit)
        // 0x00 ends the document; 0x01...0x13, 0x7F and 0xFF are the BSON types.
        guard type <= 0x13 || type == 0x7F || type == 0xFF else {
            throw .corrupt("unknown BSON type 0x\(Hex.encode([type]))", at: at)
        }
        return type
    }

    /// The end (one past the NUL) of the cstring at `at`.
    func cstringEnd(_ at: Int, limit: Int) throws(DocumentError) -> Int {
        var p = at
        while p < limit {
            if base[p] == 0 { return p + 1 }
            p += 1
        }
        throw .corrupt("C string without a terminating NUL", at: at)
    }

    func utf8(_ from: Int, _ to: Int) throws(DocumentError) -> String {
        let bytes = UnsafeRawBufferPointer(rebasing: base[from..<to])
        guard UTF8Validation.isValid(bytes) else { throw .corrupt("invalid UTF-8", at: from) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func cstring(_ at: Int, limit: Int) throws(DocumentError) -> (String, Int) {
        let end = try cstringEnd(at, limit: limit)
        return (try utf8(at, end - 1), end)
    }

    /// The end of the length-prefixed string at `at`, checking its length and NUL.
    func stringEnd(_ at: Int, limit: Int) throws(DocumentError) -> Int {
        let n = Int(try int32(at, limit: limit))
        guard n >= 1, limit - (at + 4) >= n else { throw .corrupt("bad string length \(n)", at: at) }
        guard base[at + 4 + n - 1] == 0 else { throw .corrupt("string not terminated by NUL", at: at + 4 + n - 1) }
        return at + 4 + n
    }

    func string(_ at: Int, limit: Int) throws(DocumentError) -> (String, Int) {
        let end = try stringEnd(at, limit: limit)
        return (try utf8(at + 4, end - 1), end)
    }

    /// The end of the embedded document at `at`: its length must fit and it must end in 0x00.
    func documentEnd(_ at: Int, limit: Int) throws(DocumentError) -> Int {
        let n = Int(try int32(at, limit: limit))
        guard n >= 5, limit - at >= n else { throw .corrupt("bad document length \(n)", at: at) }
        guard base[at + n - 1] == 0 else { throw .corrupt("document not terminated by 0x00", at: at + n - 1) }
        return at + n
    }

    /// The end of a value of BSON type `type` starting at `at`. Checks every
    /// length against `limit` but not the contents of strings or documents.
    /// `type` must have come from `elementType`.
    func valueEnd(type: UInt8, _ at: Int, limit: Int) throws(DocumentError) -> Int {
        func fixed(_ n: Int) throws(DocumentError) -> Int {
            guard limit - at >= n else { throw .corrupt("truncated value of type 0x\(Hex.encode([type]))", at: at) }
            return at + n
        }
        switch type {
        case 0x01, 0x09, 0x11, 0x12: return try fixed(8)
        case 0x10: return try fixed(4)
        case 0x13: return try fixed(16)
        case 0x07: return try fixed(12)
        case 0x08: return try fixed(1)
        case 0x06, 0x0A, 0x7F, 0xFF: return at
        case 0x02, 0x0D, 0x0E: return try stringEnd(at, limit: limit)
        case 0x03, 0x04: return try documentEnd(at, limit: limit)
        case 0x05:
            let n = Int(try int32(at, limit: limit))
            guard n >= 0, limit - (at + 5) >= n else { throw .corrupt("bad binary length \(n)", at: at) }
            return at + 5 + n
        case 0x0B:
            return try cstringEnd(try cstringEnd(at, limit: limit), limit: limit)
        case 0x0C:
            let end = try stringEnd(at, limit: limit)
            guard limit - end >= 12 else { throw .corrupt("truncated DBPointer ObjectId", at: end) }
            return end + 12
        case 0x0F:
            let n = Int(try int32(at, limit: limit))
            guard n >= 14, limit - at >= n else { throw .corrupt("bad code-with-scope length \(n)", at: at) }
            return at + n
        default:
            throw .corrupt("unknown BSON type 0x\(Hex.encode([type]))", at: at)
        }
    }
}
