/// The total order of values used by sorting, range filters and index keys
/// (MongoDB's comparison order):
///
///     MinKey < null, undefined < numbers < string, symbol < document < array
///       < binary < ObjectId < bool < datetime < timestamp < regex
///       < DBPointer < JavaScript < JavaScript with scope < MaxKey
///
/// Within brackets:
/// - numbers (int32, int64, double, decimal128) compare by value, exactly
///   between integers and doubles; NaN sorts below every other number and
///   equals NaN; `-0.0 == 0.0`; decimal128 compares by its nearest double
///   (an approximation: decimal arithmetic is not implemented);
/// - strings by their UTF-8 bytes (binary collation);
/// - documents field by field: value bracket, then key bytes, then value;
///   a prefix sorts first; arrays element by element, a prefix first;
/// - binary by length, then subtype, then bytes;
/// - timestamps by seconds, then increment; regexes by pattern, then options.
///
/// `IndexKey.encode` is built so that comparing encodings with `memcmp`
/// agrees with this order.
extension Value {
    /// The rank of this value's type bracket in the comparison order.
    public var typeBracket: UInt8 {
        switch self {
        case .minKey: 0x01
        case .null, .undefined: 0x05
        case .int32, .int64, .double, .decimal128: 0x10
        case .string, .symbol: 0x14
        case .document: 0x18
        case .array: 0x1C
        case .binary: 0x20
        case .objectId: 0x24
        case .bool: 0x28
        case .datetime: 0x2C
        case .timestamp: 0x30
        case .regex: 0x34
        case .dbPointer: 0x38
        case .javascript: 0x3C
        case .javascriptWithScope: 0x40
        case .maxKey: 0xF0
        }
    }

    /// Compares two values in the total order above: negative, zero or positive.
    public static func compare(_ a: Value, _ b: Value) -> Int {
        let ba = a.typeBracket
        let bb = b.typeBracket
        if ba != bb { return ba < bb ? -1 : 1 }
        switch (a, b) {
        case (.document(let x), .document(let y)): return compareDocuments(x, y)
        case (.array(let x), .array(let y)):
            for i in 0..<min(x.count, y.count) {
                let c = compare(x[i], y[i])
                if c != 0 { return c }
            }
            return sign(x.count, y.count)
        case (.binary(let x), .binary(let y)):
            if x.bytes.count != y.bytes.count { return sign(x.bytes.count, y.bytes.count) }
            if x.subtype != y.subtype { return sign(x.subtype, y.subtype) }
            return compareBytes(x.bytes, y.bytes)
        case (.objectId(let x), .objectId(let y)): return compareBytes(x.bytes, y.bytes)
        case (.bool(let x), .bool(let y)): return sign(x ? 1 : 0, y ? 1 : 0)
        case (.datetime(let x), .datetime(let y)): return sign(x, y)
        case (.timestamp(let x), .timestamp(let y)):
            return x.seconds != y.seconds ? sign(x.seconds, y.seconds) : sign(x.increment, y.increment)
        case (.regex(let x), .regex(let y)):
            let c = compareBytes(x.pattern.utf8, y.pattern.utf8)
            return c != 0 ? c : compareBytes(x.options.utf8, y.options.utf8)
        case (.dbPointer(let n1, let i1), .dbPointer(let n2, let i2)):
            let c = compareBytes(n1.utf8, n2.utf8)
            return c != 0 ? c : compareBytes(i1.bytes, i2.bytes)
        case (.javascript(let x), .javascript(let y)): return compareBytes(x.utf8, y.utf8)
        case (.javascriptWithScope(let c1, let s1), .javascriptWithScope(let c2, let s2)):
            let c = compareBytes(c1.utf8, c2.utf8)
            return c != 0 ? c : compareDocuments(s1, s2)
        default:
            break
        }
        if let x = a.textForOrdering, let y = b.textForOrdering { return compareBytes(x.utf8, y.utf8) }
        if let x = a.numberForOrdering, let y = b.numberForOrdering { return compareNumbers(x, y) }
        return 0  // MinKey, MaxKey, null and undefined: one value per bracket
    }

    /// Whether `a` sorts before `b` in the total order.
    public static func sortsBefore(_ a: Value, _ b: Value) -> Bool { compare(a, b) < 0 }

    private var textForOrdering: String? {
        switch self {
        case .string(let s), .symbol(let s): s
        default: nil
        }
    }

    enum Number {
        case integer(Int64)
        case double(Double)
    }

    var numberForOrdering: Number? {
        switch self {
        case .int32(let v): .integer(Int64(v))
        case .int64(let v): .integer(v)
        case .double(let v): .double(v)
        case .decimal128(let d): .double(d.doubleValue)
        default: nil
        }
    }

    static func compareNumbers(_ a: Number, _ b: Number) -> Int {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return sign(x, y)
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return x.isNaN ? (y.isNaN ? 0 : -1) : 1 }
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.integer(let i), .double(let d)): return compare(integer: i, double: d)
        case (.double(let d), .integer(let i)): return -compare(integer: i, double: d)
        }
    }

    /// Exact comparison of an Int64 with a double (no rounding of the integer).
    static func compare(integer i: Int64, double d: Double) -> Int {
        if d.isNaN { return 1 }
        if d >= 9_223_372_036_854_775_808.0 { return -1 }
        if d < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = d.rounded(.towardZero)
        let w = Int64(whole)
        if i != w { return i < w ? -1 : 1 }
        let fraction = d - whole
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }

    static func compareDocuments(_ x: Document, _ y: Document) -> Int {
        for i in 0..<min(x.count, y.count) {
            let (kx, vx) = x[i]
            let (ky, vy) = y[i]
            if vx.typeBracket != vy.typeBracket { return sign(vx.typeBracket, vy.typeBracket) }
            let k = compareBytes(kx.utf8, ky.utf8)
            if k != 0 { return k }
            let c = compare(vx, vy)
            if c != 0 { return c }
        }
        return sign(x.count, y.count)
    }

    static func compareBytes(_ x: some Sequence<UInt8>, _ y: some Sequence<UInt8>) -> Int {
        var ix = x.makeIterator()
        var iy = y.makeIterator()
        while true {
            switch (ix.next(), iy.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let a?, let b?): if a != b { return a < b ? -1 : 1 }
            }
        }
    }

    static func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
}
