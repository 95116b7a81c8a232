/// A strict MessagePack decoder that never traps on any input.
///
/// - Every length is checked against the bytes present before anything is
///   allocated, and no array or map reserves more elements than there are bytes
///   left, so a value claiming 4 GiB in a 10-byte buffer fails at once with
///   `.truncated`.
/// - Arrays and maps nest at most `maxDepth` deep (`.tooDeep`).
/// - Strings must be valid UTF-8, the reserved byte 0xC1 is rejected, and a
///   timestamp (extension −1) must be 4, 8 or 12 bytes with nanoseconds below
///   10^9 (`.malformed`).
/// - `decode` requires the buffer to hold exactly one value (`.trailingBytes`).
///
/// Integers that fit in `Int64` decode as `.int` whatever their wire width;
/// only values above `Int64.max` decode as `.uint`.
public struct MessagePackDecoder: Sendable {
    /// The default nesting limit for arrays and maps.
    public static let defaultMaxDepth = 64

    /// How many arrays and maps may nest (a top-level array is depth 1). Values
    /// far above the default risk exhausting the thread's stack.
    public var maxDepth: Int

    /// Creates a decoder with the given nesting limit.
    public init(maxDepth: Int = MessagePackDecoder.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    /// What a possibly partial buffer holds.
    public enum Status: Hashable, Sendable {
        /// One complete value occupies the first `byteCount` bytes.
        case complete(byteCount: Int)
        /// The bytes so far are a valid beginning of a value; more are needed.
        case needMoreBytes
        /// The bytes can never begin a valid value (or nest too deep).
        case malformed(WireError)
    }

    /// Decodes the one value that fills `bytes` exactly.
    ///
    /// Throws `WireError` (`.truncated`, `.malformed`, `.tooDeep`, `.trailingBytes`).
    public func decode(_ bytes: [UInt8]) throws -> MessagePackValue {
        try bytes.withUnsafeBytes { try decode($0) }
    }

    /// Decodes the one value that fills `bytes` exactly.
    ///
    /// Throws `WireError` (`.truncated`, `.malformed`, `.tooDeep`, `.trailingBytes`).
    public func decode(_ bytes: UnsafeRawBufferPointer) throws -> MessagePackValue {
        let (value, count) = try decodePrefix(bytes)
        guard count == bytes.count else {
            throw WireError(
                .trailingBytes,
                "\(bytes.count - count) trailing byte(s) after the value at offset \(count)",
                offset: count)
        }
        return value
    }

    /// Decodes the value at the start of `bytes`, returning it and how many bytes
    /// it took; later bytes are ignored.
    ///
    /// Throws `WireError` (`.truncated`, `.malformed`, `.tooDeep`).
    public func decodePrefix(_ bytes: [UInt8]) throws -> (value: MessagePackValue, byteCount: Int) {
        try bytes.withUnsafeBytes { try decodePrefix($0) }
    }

    /// Decodes the value at the start of `bytes`, returning it and how many bytes
    /// it took; later bytes are ignored.
    ///
    /// Throws `WireError` (`.truncated`, `.malformed`, `.tooDeep`).
    public func decodePrefix(_ bytes: UnsafeRawBufferPointer) throws -> (value: MessagePackValue, byteCount: Int) {
        var reader = Reader(bytes: bytes, maxDepth: maxDepth)
        let value = try reader.readValue(depth: 0)
        return (value, reader.offset)
    }

    /// Says whether `bytes` begins with a complete value, could still become one
    /// with more bytes, or can never be valid.
    public func status(of bytes: [UInt8]) -> Status {
        bytes.withUnsafeBytes { status(of: $0) }
    }

    /// Says whether `bytes` begins with a complete value, could still become one
    /// with more bytes, or can never be valid.
    public func status(of bytes: UnsafeRawBufferPointer) -> Status {
        do {
            return .complete(byteCount: try decodePrefix(bytes).byteCount)
        } catch let error as WireError where error.code == .truncated {
            return .needMoreBytes
        } catch let error as WireError {
            return .malformed(error)
        } catch {
            return .malformed(WireError(.malformed, "\(error)"))
        }
    }
}

// MARK: - Reader

/// The cursor over one buffer. Every read checks the bytes that remain first.
struct Reader {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var offset = 0

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var remaining: Int { bytes.count - offset }

    mutating func readValue(depth: Int) throws -> MessagePackValue {
        let start = offset
        let byte = try readByte("a value")
        switch byte {
        case 0x00...0x7F: return .int(Int64(byte))
        case 0x80...0x8F: return try readMap(count: Int(byte & 0x0F), depth: depth, at: start)
        case 0x90...0x9F: return try readArray(count: Int(byte & 0x0F), depth: depth, at: start)
        case 0xA0...0xBF: return try readString(length: Int(byte & 0x1F), at: start)
        case 0xC0: return .nil
        case 0xC1: throw WireError(.malformed, "reserved byte 0xc1 at offset \(start)", offset: start)
        case 0xC2: return .bool(false)
        case 0xC3: return .bool(true)
        case 0xC4: return try readBinary(length: Int(try readByte("bin8 length")), at: start)
        case 0xC5: return try readBinary(length: Int(try read(UInt16.self, "bin16 length")), at: start)
        case 0xC6: return try readBinary(length: Int(try read(UInt32.self, "bin32 length")), at: start)
        case 0xC7: return try readExt(length: Int(try readByte("ext8 length")), at: start)
        case 0xC8: return try readExt(length: Int(try read(UInt16.self, "ext16 length")), at: start)
        case 0xC9: return try readExt(length: Int(try read(UInt32.self, "ext32 length")), at: start)
        case 0xCA: return .float32(Float(bitPattern: try read(UInt32.self, "float32")))
        case 0xCB: return .float64(Double(bitPattern: try read(UInt64.self, "float64")))
        case 0xCC: return .int(Int64(try readByte("uint8")))
        case 0xCD: return .int(Int64(try read(UInt16.self, "uint16")))
        case 0xCE: return .int(Int64(try read(UInt32.self, "uint32")))
        case 0xCF:
            let u = try read(UInt64.self, "uint64")
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case 0xD0: return .int(Int64(Int8(bitPattern: try readByte("int8"))))
        case 0xD1: return .int(Int64(Int16(bitPattern: try read(UInt16.self, "int16"))))
        case 0xD2: return .int(Int64(Int32(bitPattern: try read(UInt32.self, "int32"))))
        case 0xD3: return .int(Int64(bitPattern: try read(UInt64.self, "int64")))
        case 0xD4: return try readExt(length: 1, at: start)
        case 0xD5: return try readExt(length: 2, at: start)
        case 0xD6: return try readExt(length: 4, at: start)
        case 0xD7: return try readExt(length: 8, at: start)
        case 0xD8: return try readExt(length: 16, at: start)
        case 0xD9: return try readString(length: Int(try readByte("str8 length")), at: start)
        case 0xDA: return try readString(length: Int(try read(UInt16.self, "str16 length")), at: start)
        case 0xDB: return try readString(length: Int(try read(UInt32.self, "str32 length")), at: start)
        case 0xDC: return try readArray(count: Int(try read(UInt16.self, "array16 count")), depth: depth, at: start)
        case 0xDD: return try readArray(count: Int(try read(UInt32.self, "array32 count")), depth: depth, at: start)
        case 0xDE: return try readMap(count: Int(try read(UInt16.self, "map16 count")), depth: depth, at: start)
        case 0xDF: return try readMap(count: Int(try read(UInt32.self, "map32 count")), depth: depth, at: start)
        default: return .int(Int64(Int8(bitPattern: byte)))  // 0xE0…0xFF: negative fixint
        }
    }

    // MARK: Primitives

    @inline(__always)
    mutating func readByte(_ what: @autoclosure () -> String) throws -> UInt8 {
        guard offset < bytes.count else { throw truncated(what(), needing: 1) }
        let byte = bytes[offset]
        offset += 1
        return byte
    }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw truncated(what(), needing: size) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(bigEndian: value)
    }

    /// Checks that `length` bytes remain for the body of the element that began
    /// at `start`; nothing is allocated before this passes.
    @inline(__always)
    func require(_ length: Int, for what: @autoclosure () -> String, at start: Int) throws {
        guard length <= remaining else {
            throw WireError(
                .truncated,
                "\(what()) at offset \(start) needs \(length) byte(s) but only \(remaining) remain",
                offset: start)
        }
    }

    func truncated(_ what: String, needing count: Int) -> WireError {
        WireError(
            .truncated,
            "\(what) at offset \(offset) needs \(count) byte(s) but only \(remaining) remain",
            offset: offset)
    }

    func body(_ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
    }

    // MARK: Bodies

    mutating func readString(length: Int, at start: Int) throws -> MessagePackValue {
        try require(length, for: "string of \(length) bytes", at: start)
        guard let string = Self.validatedString(body(length)) else {
            throw WireError(.malformed, "string at offset \(start) is not valid UTF-8", offset: start)
        }
        offset += length
        return .string(string)
    }

    /// The string for `bytes` if they are valid UTF-8, else `nil`.
    ///
    /// `String(decoding:as:)` is the stdlib's fast, non-generic path; it replaces
    /// each ill-formed sequence with U+FFFD, so the input was valid exactly when
    /// the result's bytes equal it. (`String(validating:as:)` is generic here and
    /// several times slower.)
    static func validatedString(_ bytes: UnsafeRawBufferPointer) -> String? {
        let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
        var string = String(decoding: utf8, as: UTF8.self)
        let unchanged = string.withUTF8 { Self.equalBytes(UnsafeRawBufferPointer($0), bytes) }
        return unchanged ? string : nil
    }

    /// Byte equality, eight bytes at a time.
    @inline(__always)
    static func equalBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var i = 0
        while i + 8 <= a.count {
            guard
                a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            else { return false }
            i += 8
        }
        while i < a.count {
            guard a[i] == b[i] else { return false }
            i += 1
        }
        return true
    }

    mutating func readBinary(length: Int, at start: Int) throws -> MessagePackValue {
        try require(length, for: "binary of \(length) bytes", at: start)
        let data = [UInt8](body(length))
        offset += length
        return .binary(data)
    }

    mutating func readArray(count: Int, depth: Int, at start: Int) throws -> MessagePackValue {
        guard depth < maxDepth else {
            throw WireError(
                .tooDeep, "array at offset \(start) nests deeper than the limit of \(maxDepth)", offset: start)
        }
        // Every element takes at least one byte, so capacity beyond the bytes
        // present is never reserved; a short buffer fails on the first missing
        // element (after any malformed element already present is reported).
        var elements: [MessagePackValue] = []
        elements.reserveCapacity(min(count, remaining))
        for _ in 0..<count {
            elements.append(try readValue(depth: depth + 1))
        }
        return .array(elements)
    }

    mutating func readMap(count: Int, depth: Int, at start: Int) throws -> MessagePackValue {
        guard depth < maxDepth else {
            throw WireError(
                .tooDeep, "map at offset \(start) nests deeper than the limit of \(maxDepth)", offset: start)
        }
        // Every key and every value takes at least one byte (see `readArray`).
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = []
        pairs.reserveCapacity(min(count, remaining / 2))
        for _ in 0..<count {
            let key = try readValue(depth: depth + 1)
            let value = try readValue(depth: depth + 1)
            pairs.append((key, value))
        }
        return .map(pairs)
    }

    mutating func readExt(length: Int, at start: Int) throws -> MessagePackValue {
        let type = Int8(bitPattern: try readByte("ext type"))
        if type == -1 && length != 4 && length != 8 && length != 12 {
            throw WireError(
                .malformed, "timestamp at offset \(start) has \(length) bytes; expected 4, 8 or 12", offset: start)
        }
        try require(length, for: "ext of \(length) bytes", at: start)
        if type == -1 { return try readTimestamp(length: length, at: start) }
        let data = [UInt8](body(length))
        offset += length
        return .ext(type: type, data: data)
    }

    /// The three timestamp layouts (extension type −1), big-endian:
    ///
    /// ```
    /// 4 bytes:  | seconds: UInt32 |
    /// 8 bytes:  | nanoseconds: 30 bits | seconds: 34 bits |
    /// 12 bytes: | nanoseconds: UInt32 | seconds: Int64 |
    /// ```
    mutating func readTimestamp(length: Int, at start: Int) throws -> MessagePackValue {
        let seconds: Int64
        let nanoseconds: UInt32
        switch length {
        case 4:
            seconds = Int64(try read(UInt32.self, "timestamp 32"))
            nanoseconds = 0
        case 8:
            let packed = try read(UInt64.self, "timestamp 64")
            nanoseconds = UInt32(packed >> 34)
            seconds = Int64(packed & 0x3_FFFF_FFFF)
        case 12:
            nanoseconds = try read(UInt32.self, "timestamp 96 nanoseconds")
            seconds = Int64(bitPattern: try read(UInt64.self, "timestamp 96 seconds"))
        default:
            throw WireError(
                .malformed, "timestamp at offset \(start) has \(length) bytes; expected 4, 8 or 12", offset: start)
        }
        guard nanoseconds < 1_000_000_000 else {
            throw WireError(
                .malformed, "timestamp at offset \(start) has \(nanoseconds) nanoseconds (above 999999999)",
                offset: start)
        }
        return .timestamp(seconds: seconds, nanoseconds: nanoseconds)
    }
}
