/// Encodes `MessagePackValue`s by appending to a caller-owned `[UInt8]`, always in
/// the smallest encoding the format allows for the value (integers by magnitude,
/// never by their Swift case; floats at the width given).
///
/// The buffer can be reused across values (`removeAll(keepingCapacity: true)`), so
/// steady-state encoding allocates nothing but the buffer's growth. The header
/// primitives are public so callers can stream a map or array without building it.
///
/// Lengths above 2^32 − 1 (a 4 GiB string, say) cannot be expressed in MessagePack;
/// encoding one is a programming error and traps.
public enum MessagePackEncoder {
    /// Appends the encoding of `value` to `buffer`.
    public static func encode(_ value: MessagePackValue, into buffer: inout [UInt8]) {
        switch value {
        case .nil: buffer.append(0xC0)
        case .bool(let b): buffer.append(b ? 0xC3 : 0xC2)
        case .int(let i): appendInt(i, into: &buffer)
        case .uint(let u): appendUInt(u, into: &buffer)
        case .float32(let f):
            buffer.append(0xCA)
            appendBigEndian(f.bitPattern, into: &buffer)
        case .float64(let d):
            buffer.append(0xCB)
            appendBigEndian(d.bitPattern, into: &buffer)
        case .string(let s): appendString(s, into: &buffer)
        case .binary(let b): appendBinary(b, into: &buffer)
        case .array(let elements):
            appendArrayHeader(count: elements.count, into: &buffer)
            for element in elements { encode(element, into: &buffer) }
        case .map(let pairs):
            appendMapHeader(count: pairs.count, into: &buffer)
            for pair in pairs {
                encode(pair.key, into: &buffer)
                encode(pair.value, into: &buffer)
            }
        case .ext(let type, let data):
            appendExtHeader(type: type, length: data.count, into: &buffer)
            buffer.append(contentsOf: data)
        case .timestamp(let seconds, let nanoseconds):
            appendTimestamp(seconds: seconds, nanoseconds: nanoseconds, into: &buffer)
        }
    }

    /// Returns the encoding of `value` in a new array.
    public static func encode(_ value: MessagePackValue) -> [UInt8] {
        var buffer: [UInt8] = []
        encode(value, into: &buffer)
        return buffer
    }

    // MARK: Scalars

    /// Appends a signed integer: fixint, negative fixint, or int8/16/32/64 (or a
    /// uint form for non-negative values), whichever is smallest.
    public static func appendInt(_ value: Int64, into buffer: inout [UInt8]) {
        if value >= 0 {
            appendUInt(UInt64(value), into: &buffer)
        } else if value >= -32 {
            buffer.append(UInt8(truncatingIfNeeded: value))  // negative fixint 0xE0…0xFF
        } else if value >= Int64(Int8.min) {
            buffer.append(0xD0)
            buffer.append(UInt8(truncatingIfNeeded: value))
        } else if value >= Int64(Int16.min) {
            buffer.append(0xD1)
            appendBigEndian(UInt16(truncatingIfNeeded: value), into: &buffer)
        } else if value >= Int64(Int32.min) {
            buffer.append(0xD2)
            appendBigEndian(UInt32(truncatingIfNeeded: value), into: &buffer)
        } else {
            buffer.append(0xD3)
            appendBigEndian(UInt64(bitPattern: value), into: &buffer)
        }
    }

    /// Appends an unsigned integer: positive fixint or uint8/16/32/64.
    public static func appendUInt(_ value: UInt64, into buffer: inout [UInt8]) {
        if value < 0x80 {
            buffer.append(UInt8(value))
        } else if value <= 0xFF {
            buffer.append(0xCC)
            buffer.append(UInt8(value))
        } else if value <= 0xFFFF {
            buffer.append(0xCD)
            appendBigEndian(UInt16(value), into: &buffer)
        } else if value <= 0xFFFF_FFFF {
            buffer.append(0xCE)
            appendBigEndian(UInt32(value), into: &buffer)
        } else {
            buffer.append(0xCF)
            appendBigEndian(value, into: &buffer)
        }
    }

    /// Appends a string: fixstr, str8, str16 or str32.
    public static func appendString(_ value: String, into buffer: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            let count = utf8.count
            if count < 32 {
                buffer.append(0xA0 | UInt8(count))
            } else if count <= 0xFF {
                buffer.append(0xD9)
                buffer.append(UInt8(count))
            } else if count <= 0xFFFF {
                buffer.append(0xDA)
                appendBigEndian(UInt16(count), into: &buffer)
            } else {
                buffer.append(0xDB)
                appendBigEndian(length32(count, "string"), into: &buffer)
            }
            buffer.append(contentsOf: utf8)
        }
    }

    /// Appends a byte string: bin8, bin16 or bin32.
    public static func appendBinary(_ bytes: some Collection<UInt8>, into buffer: inout [UInt8]) {
        let count = bytes.count
        if count <= 0xFF {
            buffer.append(0xC4)
            buffer.append(UInt8(count))
        } else if count <= 0xFFFF {
            buffer.append(0xC5)
            appendBigEndian(UInt16(count), into: &buffer)
        } else {
            buffer.append(0xC6)
            appendBigEndian(length32(count, "binary"), into: &buffer)
        }
        buffer.append(contentsOf: bytes)
    }

    // MARK: Containers

    /// Appends an array header (fixarray, array16, array32); the caller then
    /// appends exactly `count` values.
    public static func appendArrayHeader(count: Int, into buffer: inout [UInt8]) {
        if count < 16 {
            buffer.append(0x90 | UInt8(count))
        } else if count <= 0xFFFF {
            buffer.append(0xDC)
            appendBigEndian(UInt16(count), into: &buffer)
        } else {
            buffer.append(0xDD)
            appendBigEndian(length32(count, "array"), into: &buffer)
        }
    }

    /// Appends a map header (fixmap, map16, map32); the caller then appends
    /// exactly `count` key/value pairs.
    public static func appendMapHeader(count: Int, into buffer: inout [UInt8]) {
        if count < 16 {
            buffer.append(0x80 | UInt8(count))
        } else if count <= 0xFFFF {
            buffer.append(0xDE)
            appendBigEndian(UInt16(count), into: &buffer)
        } else {
            buffer.append(0xDF)
            appendBigEndian(length32(count, "map"), into: &buffer)
        }
    }

    // MARK: Extensions

    /// Appends an extension header (fixext1/2/4/8/16, ext8/16/32); the caller then
    /// appends exactly `length` data bytes.
    public static func appendExtHeader(type: Int8, length: Int, into buffer: inout [UInt8]) {
        switch length {
        case 1: buffer.append(0xD4)
        case 2: buffer.append(0xD5)
        case 4: buffer.append(0xD6)
        case 8: buffer.append(0xD7)
        case 16: buffer.append(0xD8)
        case ...0xFF:
            buffer.append(0xC7)
            buffer.append(UInt8(length))
        case ...0xFFFF:
            buffer.append(0xC8)
            appendBigEndian(UInt16(length), into: &buffer)
        default:
            buffer.append(0xC9)
            appendBigEndian(length32(length, "ext"), into: &buffer)
        }
        buffer.append(UInt8(bitPattern: type))
    }

    /// Appends a timestamp (extension −1) in its smallest layout:
    ///
    /// ```
    /// timestamp 32: d6 ff | seconds: UInt32                         (ns == 0, 0 ≤ s < 2^32)
    /// timestamp 64: d7 ff | ns: 30 bits | seconds: 34 bits            (0 ≤ s < 2^34)
    /// timestamp 96: c7 0c ff | ns: UInt32 | seconds: Int64            (otherwise)
    /// ```
    ///
    /// Nanoseconds above 999,999,999 are a programming error and trap.
    public static func appendTimestamp(seconds: Int64, nanoseconds: UInt32, into buffer: inout [UInt8]) {
        precondition(nanoseconds < 1_000_000_000, "timestamp nanoseconds \(nanoseconds) out of range")
        if seconds >= 0 && seconds >> 34 == 0 {
            if nanoseconds == 0 && seconds <= 0xFFFF_FFFF {
                buffer.append(contentsOf: [0xD6, 0xFF])
                appendBigEndian(UInt32(seconds), into: &buffer)
            } else {
                buffer.append(contentsOf: [0xD7, 0xFF])
                appendBigEndian(UInt64(nanoseconds) << 34 | UInt64(seconds), into: &buffer)
            }
        } else {
            buffer.append(contentsOf: [0xC7, 12, 0xFF])
            appendBigEndian(nanoseconds, into: &buffer)
            appendBigEndian(UInt64(bitPattern: seconds), into: &buffer)
        }
    }

    // MARK: Helpers

    @inline(__always)
    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func length32(_ count: Int, _ what: StaticString) -> UInt32 {
        guard let length = UInt32(exactly: count) else {
            preconditionFailure("MessagePack \(what) of \(count) elements exceeds 2^32 - 1")
        }
        return length
    }
}

extension MessagePackValue {
    /// The value's MessagePack encoding.
    public var encoded: [UInt8] { MessagePackEncoder.encode(self) }

    /// Appends the value's MessagePack encoding to `buffer`.
    public func encode(into buffer: inout [UInt8]) { MessagePackEncoder.encode(self, into: &buffer) }
}
