/// MongoDB Extended JSON v2: relaxed mode out, relaxed and canonical in.
///
/// Out (relaxed): int32, int64 and finite doubles as plain JSON numbers
/// (doubles always with a `.` or exponent), non-finite doubles as
/// `{"$numberDouble": "NaN"}`, dates between 1970 and 9999 as
/// `{"$date": "2012-12-24T12:15:30.501Z"}` (others `{"$date": {"$numberLong": …}}`),
/// and the rest as their type wrappers (`$oid`, `$binary`, `$numberDecimal`,
/// `$timestamp`, `$regularExpression`, `$code`, `$scope`, `$symbol`,
/// `$dbPointer`, `$undefined`, `$minKey`, `$maxKey`).
///
/// In: every wrapper of either mode, plus the legacy `$binary`/`$type`,
/// `$regex`/`$options` and `$uuid` forms. Keys and regex parts holding NUL
/// are rejected (BSON cannot store them). Plain JSON
/// integers become int32 when they fit, else int64, else double; numbers with
/// a fraction or exponent become doubles. A wrapper with missing, extra or
/// ill-typed members is an error; an object whose keys merely start with `$`
/// (a query operator, `$ref`/`$id`) stays a document.
public enum ExtendedJSON {
    /// Parses Extended JSON text holding one object into a document.
    /// - Throws: `DocumentError` `.invalidJSON` for bad JSON, a bad wrapper, or a
    ///   top-level value that is not an object; `.unsupported` for a decimal
    ///   that needs rounding.
    public static func document(from text: String) throws(DocumentError) -> Document {
        guard case .document(let d) = try value(from: JSONValue.parse(text)) else {
            throw DocumentError(.invalidJSON, "the top-level Extended JSON value is not an object")
        }
        return d
    }

    /// The relaxed Extended JSON text of a document.
    public static func text(of document: Document, pretty: Bool = false) -> String {
        json(of: .document(document)).text(pretty: pretty)
    }

    // MARK: Out

    /// The relaxed Extended JSON form of a value.
    public static func json(of value: Value) -> JSONValue {
        func wrap(_ key: String, _ v: JSONValue) -> JSONValue { .object([JSONMember(key, v)]) }
        func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(members.map { JSONMember($0.0, $0.1) }) }
        switch value {
        case .null: return .null
        case .undefined: return wrap("$undefined", .bool(true))
        case .minKey: return wrap("$minKey", .number("1"))
        case .maxKey: return wrap("$maxKey", .number("1"))
        case .bool(let b): return .bool(b)
        case .int32(let v): return .number(String(v))
        case .int64(let v): return .number(String(v))
        case .double(let d):
            guard d.isFinite else {
                return wrap("$numberDouble", .string(d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity"))
            }
            return .number(relaxedNumber(d))
        case .decimal128(let d): return wrap("$numberDecimal", .string(d.description))
        case .string(let s): return .string(s)
        case .binary(let b):
            return wrap(
                "$binary",
                object([("base64", .string(Base64.encode(b.bytes))), ("subType", .string(Hex.encode([b.subtype])))]))
        case .objectId(let o): return wrap("$oid", .string(o.hex))
        case .datetime(let ms):
            // 1970-01-01 to 9999-12-31 as ISO-8601; others as $numberLong.
            if ms >= 0 && ms <= 253_402_300_799_999 { return wrap("$date", .string(ISODate.format(milliseconds: ms))) }
            return wrap("$date", wrap("$numberLong", .string(String(ms))))
        case .timestamp(let t):
            return wrap("$timestamp", object([("t", .number(String(t.seconds))), ("i", .number(String(t.increment)))]))
        case .regex(let r):
            return wrap(
                "$regularExpression", object([("pattern", .string(r.pattern)), ("options", .string(r.options))]))
        case .array(let a): return .array(a.map { json(of: $0) })
        case .document(let d): return .object(d.map { JSONMember($0.key, json(of: $0.value)) })
        case .javascript(let code): return wrap("$code", .string(code))
        case .javascriptWithScope(let code, let scope):
            return object([("$code", .string(code)), ("$scope", json(of: .document(scope)))])
        case .symbol(let s): return wrap("$symbol", .string(s))
        case .dbPointer(let namespace, let id):
            return wrap("$dbPointer", object([("$ref", .string(namespace)), ("$id", wrap("$oid", .string(id.hex)))]))
        }
    }

    /// A finite double as a JSON number that reads back as a double: always
    /// with a fraction or exponent (`1.0`, `1e+100`, `-0.0`).
    static func relaxedNumber(_ d: Double) -> String {
        let s = d.description
        return s.contains(".") || s.contains("e") ? s : s + ".0"
    }

    // MARK: In

    /// The value that a parsed Extended JSON value stands for.
    /// - Throws: `DocumentError` `.invalidJSON` for a malformed wrapper.
    public static func value(from json: JSONValue) throws(DocumentError) -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let n): return try number(n)
        case .array(let a):
            var out: [Value] = []
            out.reserveCapacity(a.count)
            for element in a { out.append(try value(from: element)) }
            return .array(out)
        case .object(let members):
            if let special = try wrapper(members) { return special }
            var d = Document()
            for m in members {
                guard !m.key.utf8.contains(0) else {
                    throw DocumentError(.invalidKey, "key \(m.key.debugDescription) contains a NUL byte")
                }
                d.append(m.key, try value(from: m.value))
            }
            return .document(d)
        }
    }

    static func number(_ text: String) throws(DocumentError) -> Value {
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            if let v = Int32(text) { return .int32(v) }
            if let v = Int64(text) { return .int64(v) }
        }
        guard let d = Double(text) else { throw DocumentError(.invalidJSON, "bad number \(text)") }
        return .double(d)
    }

    static func invalid(_ message: String) -> DocumentError { DocumentError(.invalidJSON, message) }

    private static func string(_ v: JSONValue?, _ what: String) throws(DocumentError) -> String {
        guard case .string(let s)? = v else { throw invalid("\(what) must be a string") }
        return s
    }

    private static func uint32(_ v: JSONValue?, _ what: String) throws(DocumentError) -> UInt32 {
        guard case .number(let n)? = v, let u = UInt32(n) else {
            throw invalid("\(what) must be an unsigned 32-bit integer")
        }
        return u
    }

    private static func fields(_ v: JSONValue?, _ what: String, _ names: Set<String>) throws(DocumentError) -> [String:
        JSONValue]
    {
        guard case .object(let members)? = v, members.count == names.count,
            Set(members.map(\.key)) == names
        else { throw invalid("\(what) must be an object with exactly \(names.sorted())") }
        var out: [String: JSONValue] = [:]
        for m in members { out[m.key] = m.value }
        return out
    }

    private static func objectId(_ v: JSONValue?) throws(DocumentError) -> ObjectId {
        guard let o = ObjectId(hex: try string(v, "$oid")) else { throw invalid("$oid must be 24 hexadecimal digits") }
        return o
    }

    private static func regex(_ pattern: String, _ options: String) throws(DocumentError) -> Value {
        guard !pattern.utf8.contains(0), !options.utf8.contains(0) else {
            throw DocumentError(.invalidKey, "regular expression parts cannot contain a NUL byte")
        }
        return .regex(RegularExpression(pattern: pattern, options: options))
    }

    /// The value of a type wrapper object, nil for an ordinary document.
    static func wrapper(_ members: [JSONMember]) throws(DocumentError) -> Value? {
        guard let first = members.first, first.key.hasPrefix("$") else { return nil }
        let keys = Set(members.map(\.key))
        var m: [String: JSONValue] = [:]
        for member in members { m[member.key] = member.value }
        func only(_ expected: Set<String>) throws(DocumentError) {
            guard keys == expected, members.count == expected.count else {
                throw invalid("\(first.key) wrapper must have exactly the keys \(expected.sorted())")
            }
        }
        switch first.key {
        case "$oid":
            try only(["$oid"])
            return .objectId(try objectId(m["$oid"]))
        case "$symbol":
            try only(["$symbol"])
            return .symbol(try string(m["$symbol"], "$symbol"))
        case "$numberInt":
            try only(["$numberInt"])
            guard let v = Int32(try string(m["$numberInt"], "$numberInt")) else { throw invalid("bad $numberInt") }
            return .int32(v)
        case "$numberLong":
            try only(["$numberLong"])
            guard let v = Int64(try string(m["$numberLong"], "$numberLong")) else { throw invalid("bad $numberLong") }
            return .int64(v)
        case "$numberDouble":
            try only(["$numberDouble"])
            let s = try string(m["$numberDouble"], "$numberDouble")
            switch s {
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            case "NaN": return .double(.nan)
            default:
                guard case .double(let d)? = try? number(s), s.first != "+", !s.lowercased().contains("n") else {
                    throw invalid("bad $numberDouble \(s.debugDescription)")
                }
                return .double(d)
            }
        case "$numberDecimal":
            try only(["$numberDecimal"])
            return .decimal128(try Decimal128(parsing: try string(m["$numberDecimal"], "$numberDecimal")))
        case "$binary":
            if keys.contains("$type") {
                try only(["$binary", "$type"])
                guard let bytes = Base64.decode(try string(m["$binary"], "$binary")),
                    let subtype = Hex.decode(try string(m["$type"], "$type")), subtype.count == 1
                else { throw invalid("bad legacy $binary") }
                return .binary(Binary(subtype: subtype[0], bytes: bytes))
            }
            try only(["$binary"])
            let f = try fields(m["$binary"], "$binary", ["base64", "subType"])
            let subtypeText = try string(f["subType"], "subType")
            guard let bytes = Base64.decode(try string(f["base64"], "base64")),
                subtypeText.utf8.count <= 2,
                let subtype = Hex.decode(subtypeText.count == 1 ? "0" + subtypeText : subtypeText),
                subtype.count == 1
            else { throw invalid("bad $binary") }
            return .binary(Binary(subtype: subtype[0], bytes: bytes))
        case "$uuid":
            try only(["$uuid"])
            let s = try string(m["$uuid"], "$uuid")
            let parts = s.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
            guard parts == [8, 4, 4, 4, 12], let bytes = Hex.decode(s.filter { $0 != "-" }) else {
                throw invalid("bad $uuid \(s.debugDescription)")
            }
            return .binary(Binary(subtype: 4, bytes: bytes))
        case "$code":
            if keys.contains("$scope") {
                try only(["$code", "$scope"])
                guard case .document(let scope) = try value(from: m["$scope"]!) else {
                    throw invalid("$scope must be an object")
                }
                return .javascriptWithScope(code: try string(m["$code"], "$code"), scope: scope)
            }
            try only(["$code"])
            return .javascript(try string(m["$code"], "$code"))
        case "$timestamp":
            try only(["$timestamp"])
            let f = try fields(m["$timestamp"], "$timestamp", ["t", "i"])
            return .timestamp(
                Timestamp(seconds: try uint32(f["t"], "$timestamp.t"), increment: try uint32(f["i"], "$timestamp.i")))
        case "$regularExpression":
            try only(["$regularExpression"])
            let f = try fields(m["$regularExpression"], "$regularExpression", ["pattern", "options"])
            return try regex(try string(f["pattern"], "pattern"), try string(f["options"], "options"))
        case "$regex":
            // Legacy {"$regex": "…", "$options": "…"}; anything else is a query operator.
            guard keys == ["$regex", "$options"], case .string(let p)? = m["$regex"],
                case .string(let o)? = m["$options"]
            else {
                return nil
            }
            return try regex(p, o)
        case "$dbPointer":
            try only(["$dbPointer"])
            let f = try fields(m["$dbPointer"], "$dbPointer", ["$ref", "$id"])
            guard case .objectId(let id) = try value(from: f["$id"]!) else {
                throw invalid("$dbPointer.$id must be an $oid")
            }
            return .dbPointer(namespace: try string(f["$ref"], "$dbPointer.$ref"), id: id)
        case "$date":
            try only(["$date"])
            switch m["$date"]! {
            case .string(let s):
                guard let ms = ISODate.parse(s) else { throw invalid("bad $date \(s.debugDescription)") }
                return .datetime(ms)
            case .object:
                guard case .int64(let ms) = try value(from: m["$date"]!) else { throw invalid("bad $date") }
                return .datetime(ms)
            default:
                throw invalid("bad $date")
            }
        case "$minKey", "$maxKey":
            try only([first.key])
            guard m[first.key] == .number("1") else { throw invalid("\(first.key) must be 1") }
            return first.key == "$minKey" ? .minKey : .maxKey
        case "$undefined":
            try only(["$undefined"])
            guard m["$undefined"] == .bool(true) else { throw invalid("$undefined must be true") }
            return .undefined
        default:
            return nil
        }
    }
}

extension Document {
    /// Parses a document from Extended JSON text (relaxed or canonical).
    /// - Throws: see ``ExtendedJSON/document(from:)``.
    public init(extendedJSON text: String) throws(DocumentError) {
        self = try ExtendedJSON.document(from: text)
    }

    /// This document as relaxed Extended JSON text.
    public var extendedJSON: String { ExtendedJSON.text(of: self) }
}
