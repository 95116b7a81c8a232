/// Binary data with its BSON subtype (0x00 generic, 0x04 UUID, …).
///
/// For the old binary subtype 0x02, `bytes` excludes the inner length that
/// BSON stores in front of the payload; the codec adds and checks it.
public struct Binary: Sendable, Hashable {
    public var subtype: UInt8
    public var bytes: [UInt8]
    /// Creates binary data.
    public init(subtype: UInt8 = 0, bytes: [UInt8]) {
        self.subtype = subtype
        self.bytes = bytes
    }
}

/// A 12-byte ObjectId.
public struct ObjectId: Sendable, Hashable, CustomStringConvertible {
    /// The 12 bytes, most significant first.
    public var bytes: [UInt8]
    /// Creates an ObjectId; traps unless given exactly 12 bytes (a programmer error).
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 12, "an ObjectId has 12 bytes, got \(bytes.count)")
        self.bytes = bytes
    }
    /// Parses 24 hexadecimal digits; nil otherwise.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == 12 else { return nil }
        self.bytes = bytes
    }
    /// The 24 lowercase hexadecimal digits.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// A decimal128 value, kept as its 16 raw little-endian bytes (IEEE 754-2008
/// BID encoding). Only an approximate `doubleValue` and the text form are
/// derived from it; no decimal arithmetic is done.
public struct Decimal128: Sendable, Hashable {
    /// The 16 bytes as stored in BSON (little-endian).
    public var bytes: [UInt8]
    /// Creates a decimal128 from its 16 stored bytes; traps on another count.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a decimal128 has 16 bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    var low: UInt64 { load(0) }
    var high: UInt64 { load(8) }
    private func load(_ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[at + i]) }
        return v
    }

    enum Parts { case finite(negative: Bool, coefficient: UInt128, exponent: Int), infinity(negative: Bool), nan }

    var parts: Parts {
        let h = high
        let negative = h >> 63 == 1
        let combination = (h >> 58) & 0x1F
        if combination == 0x1F { return .nan }
        if combination == 0x1E { return .infinity(negative: negative) }
        var exponent: UInt64
        var coefficient: UInt128
        if (h >> 61) & 3 == 3 {
            // The 11 form: the implied coefficient is over 2^113, not canonical: zero.
            exponent = (h >> 47) & 0x3FFF
            coefficient = 0
        } else {
            exponent = (h >> 49) & 0x3FFF
            coefficient = UInt128(h & 0x1_FFFF_FFFF_FFFF) << 64 | UInt128(low)
            if coefficient > 9_999_999_999_999_999_999_999_999_999_999_999 { coefficient = 0 }  // 10^34 - 1
        }
        return .finite(negative: negative, coefficient: coefficient, exponent: Int(exponent) - 6176)
    }

    /// The nearest double (approximate for large coefficients; used for ordering).
    public var doubleValue: Double {
        switch parts {
        case .nan: return .nan
        case .infinity(let negative): return negative ? -.infinity : .infinity
        case .finite(let negative, let coefficient, let exponent):
            var d = Double(coefficient)
            if d != 0 {
                var e = exponent
                while e > 0 && d.isFinite { d *= 10; e -= 1 }
                while e < 0 && d != 0 {
                    // Divide in large steps while far from the subnormal range.
                    if e <= -22 && d > 1e-280 { d /= 1e22; e += 22 } else { d /= 10; e += 1 }
                }
            }
            return negative ? -d : d
        }
    }

    /// The decimal text form of the BSON corpus / IEEE 754 to-string rules.
    public var description: String {
        switch parts {
        case .nan: return "NaN"
        case .infinity(let negative): return negative ? "-Infinity" : "Infinity"
        case .finite(let negative, let coefficient, let exponent):
            let digits = String(coefficient)
            let adjusted = exponent + digits.count - 1
            var out = negative ? "-" : ""
            if exponent <= 0 && adjusted >= -6 {
                if exponent == 0 {
                    out += digits
                } else {
                    let pointAt = digits.count + exponent
                    if pointAt > 0 {
                        out += digits.prefix(pointAt) + "." + digits.dropFirst(pointAt)
                    } else {
                        out += "0." + String(repeating: "0", count: -pointAt) + digits
                    }
                }
            } else {
                out += String(digits.first!)
                if digits.count > 1 { out += "." + digits.dropFirst() }
                out += "E" + (adjusted >= 0 ? "+" : "") + String(adjusted)
            }
            return out
        }
    }
}

/// A BSON timestamp: seconds since the epoch and an increment (both unsigned).
public struct Timestamp: Sendable, Hashable {
    public var seconds: UInt32
    public var increment: UInt32
    /// Creates a timestamp.
    public init(seconds: UInt32, increment: UInt32) {
        self.seconds = seconds
        self.increment = increment
    }
}

/// A BSON regular expression: a pattern and its option letters, neither containing NUL.
public struct RegularExpression: Sendable, Hashable {
    public var pattern: String
    public var options: String
    /// Creates a regular expression value (not compiled; only stored).
    public init(pattern: String, options: String = "") {
        self.pattern = pattern
        self.options = options
    }
}

enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
