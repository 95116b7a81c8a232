/// Byte encodings shared by the store-backed spatial structures.
///
/// A point is 17 or 25 bytes, every number big-endian:
///
/// ```
///   +----------------+----------------+------+----------------+
///   | latitude  f64  | longitude f64  | flag | altitude f64 ? |
///   +----------------+----------------+------+----------------+
///      8 bytes          8 bytes         1      8 when flag = 1
/// ```
///
/// A metadata map is a count followed by length-prefixed keys and values, in
/// key order so that equal maps encode equally:
///
/// ```
///   | count u32 | klen u32 | key … | vlen u32 | value … | …
/// ```
enum SpatialCodec {
    /// Big-endian, as one append of 8 bytes (not eight appends).
    @inline(__always)
    static func appendUInt64(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
    }

    /// A signed time as 8 bytes that sort like the numbers (sign bit flipped).
    static func appendTime(_ t: Int64, to out: inout [UInt8]) {
        appendUInt64(UInt64(bitPattern: t) ^ (1 << 63), to: &out)
    }

    static func appendPoint(_ p: GeoPoint, to out: inout [UInt8]) {
        appendUInt64(p.latitude.bitPattern, to: &out)
        appendUInt64(p.longitude.bitPattern, to: &out)
        if let alt = p.altitude {
            out.append(1)
            appendUInt64(alt.bitPattern, to: &out)
        } else {
            out.append(0)
        }
    }

    static func appendData(_ data: [String: String], to out: inout [UInt8]) {
        appendUInt32(UInt32(data.count), to: &out)
        for key in data.keys.sorted() {
            appendUInt32(UInt32(key.utf8.count), to: &out)
            out += key.utf8
            let value = data[key]!
            appendUInt32(UInt32(value.utf8.count), to: &out)
            out += value.utf8
        }
    }

    /// Reads the encodings back; every read checks its bounds and throws
    /// `corrupt` (as a `SpatialError.Code.corruptRecord`) on a short or bad record.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
            self.bytes = bytes
            self.offset = offset
        }

        var remaining: Int { bytes.count - offset }

        mutating func take(_ n: Int) throws(SpatialError) -> UnsafeRawBufferPointer {
            guard n >= 0, remaining >= n else {
                throw SpatialError(.corruptRecord, "stored record is truncated at byte \(offset)")
            }
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
        }

        mutating func uint64() throws(SpatialError) -> UInt64 {
            let b = try take(8)
            var v: UInt64 = 0
            for byte in b { v = v << 8 | UInt64(byte) }
            return v
        }

        mutating func uint32() throws(SpatialError) -> UInt32 {
            let b = try take(4)
            var v: UInt32 = 0
            for byte in b { v = v << 8 | UInt32(byte) }
            return v
        }

        mutating func time() throws(SpatialError) -> Int64 {
            Int64(bitPattern: try uint64() ^ (1 << 63))
        }

        mutating func point() throws(SpatialError) -> GeoPoint {
            let lat = Double(bitPattern: try uint64())
            let lon = Double(bitPattern: try uint64())
            let flag = try take(1)[0]
            let alt: Double? = flag == 1 ? Double(bitPattern: try uint64()) : nil
            do {
                return try GeoPoint(latitude: lat, longitude: lon, altitude: alt)
            } catch {
                throw SpatialError(.corruptRecord, "stored point is invalid: \(error.message)")
            }
        }

        mutating func string() throws(SpatialError) -> String {
            let n = Int(try uint32())
            return String(decoding: try take(n), as: UTF8.self)
        }

        mutating func data() throws(SpatialError) -> [String: String] {
            let n = Int(try uint32())
            guard n <= remaining / 8 else { throw SpatialError(.corruptRecord, "stored metadata count \(n) is too large") }
            var out: [String: String] = [:]
            for _ in 0..<n {
                let k = try string()
                out[k] = try string()
            }
            return out
        }
    }

    static func encodePoint(_ p: GeoPoint) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(25)
        appendPoint(p, to: &out)
        return out
    }
}

extension SpatialError.Code {
    /// A stored record could not be decoded.
    public static let corruptRecord = SpatialError.Code("corruptRecord")
}
