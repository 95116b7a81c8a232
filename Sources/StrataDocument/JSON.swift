/// A JSON value as parsed from text, order-preserving; numbers keep their
/// source text so integers and floats can be told apart (Extended JSON
/// relaxed mode needs that).
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number in its JSON text form (already validated against the grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in source order.
    case object([JSONMember])

    /// Parses one JSON text (RFC 8259, strict: no comments, no trailing
    /// commas, no leading zeros, no lone surrogates, no control characters in
    /// strings, nesting at most `maxDepth`).
    /// - Throws: `DocumentError` `.invalidJSON` naming the byte offset.
    public static func parse(_ text: String, maxDepth: Int = 200) throws(DocumentError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: maxDepth)
        parser.skipSpace()
        let value = try parser.value(depth: 1)
        parser.skipSpace()
        guard parser.at == parser.bytes.count else { throw parser.error("trailing characters") }
        return value
    }

    /// The compact JSON text of this value (`{"a":1}`) or, with `pretty`, one
    /// member per line with two-space indentation.
    public func text(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += pretty ? ", " : "," }
                v.write(to: &out, pretty: pretty, indent: indent)
            }
            out += "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (i, m) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSONValue.quote(m.key, into: &out)
                out += pretty ? ": " : ":"
                m.value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = Hex.encode([UInt8(scalar.value)])
                    out += "\\u00" + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue
    /// Creates a member.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var at = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ message: String) -> DocumentError {
        DocumentError(.invalidJSON, "\(message) at offset \(at)")
    }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 {
            at += 1
        }
    }

    mutating func expect(_ literal: String) throws(DocumentError) {
        for c in literal.utf8 {
            guard at < bytes.count, bytes[at] == c else { throw error("expected \(literal)") }
            at += 1
        }
    }

    mutating func value(depth: Int) throws(DocumentError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        guard at < bytes.count else { throw error("unexpected end of text") }
        switch bytes[at] {
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            at += 1
            var elements: [JSONValue] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
                at += 1
                return .array(elements)
            }
            while true {
                skipSpace()
                elements.append(try value(depth: depth + 1))
                skipSpace()
                guard at < bytes.count else { throw error("unterminated array") }
                if bytes[at] == UInt8(ascii: ",") {
                    at += 1
                } else if bytes[at] == UInt8(ascii: "]") {
                    at += 1
                    return .array(elements)
                } else {
                    throw error("expected , or ] in array")
                }
            }
        case UInt8(ascii: "{"):
            at += 1
            var members: [JSONMember] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
                at += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                members.append(JSONMember(key, try value(depth: depth + 1)))
                skipSpace()
                guard at < bytes.count else { throw error("unterminated object") }
                if bytes[at] == UInt8(ascii: ",") {
                    at += 1
                } else if bytes[at] == UInt8(ascii: "}") {
                    at += 1
                    return .object(members)
                } else {
                    throw error("expected , or } in object")
                }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw error("unexpected character")
        }
    }

    private func isDigit(_ i: Int) -> Bool {
        i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39
    }

    mutating func number() throws(DocumentError) -> String {
        let start = at
        if bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard isDigit(at) else { throw error("expected a digit") }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
            if isDigit(at) { throw error("leading zero in number") }
        } else {
            while isDigit(at) { at += 1 }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard isDigit(at) else { throw error("expected a digit after the decimal point") }
            while isDigit(at) { at += 1 }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard isDigit(at) else { throw error("expected a digit in the exponent") }
            while isDigit(at) { at += 1 }
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    mutating func hex4() throws(DocumentError) -> UInt32 {
        guard bytes.count - at >= 4, let b = Hex.decode(String(decoding: bytes[at..<at + 4], as: UTF8.self)) else {
            throw error("bad \\u escape")
        }
        at += 4
        return UInt32(b[0]) << 8 | UInt32(b[1])
    }

    mutating func string() throws(DocumentError) -> String {
        at += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard at < bytes.count else { throw error("unterminated string") }
            let c = bytes[at]
            switch c {
            case UInt8(ascii: "\""):
                at += 1
                // The input came from a String, so it is valid UTF-8.
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                at += 1
                guard at < bytes.count else { throw error("unterminated escape") }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        guard bytes.count - at >= 6, bytes[at] == 0x5C, bytes[at + 1] == UInt8(ascii: "u") else {
                            throw error("lone high surrogate")
                        }
                        at += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("bad low surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if code >= 0xDC00 && code < 0xE000 {
                        throw error("lone low surrogate")
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
                default: throw error("bad escape")
                }
            default:
                guard c >= 0x20 else { throw error("control character in string") }
                out.append(c)
                at += 1
            }
        }
    }
}
