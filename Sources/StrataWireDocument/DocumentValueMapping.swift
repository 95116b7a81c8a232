import StrataDocument
import StrataWire

/// How documents travel on the wire (DESIGN.md, "Wire protocol"):
///
/// ```
///   MessagePack                    BSON value (StrataDocument)
///   nil                      ⇄     null
///   bool                     ⇄     bool
///   int (fits Int64)         →     int64          int32, int64 → int
///   float 32 / 64            →     double         double → float 64
///   str                      ⇄     string
///   bin                      →     binary (subtype 0); binary → bin (subtype dropped)
///   timestamp (ext −1)       →     datetime (ms, sub-millisecond part dropped); datetime → timestamp
///   array                    ⇄     array
///   map (string keys)        ⇄     document (key order kept)
/// ```
///
/// BSON types MessagePack has no form for go out as their nearest plain value:
/// objectId as its 24 hex digits, decimal128 as its text, a BSON timestamp as
/// the int `(t << 32) | i`, regex as `/pattern/options`, code and symbols as
/// strings, undefined/minKey/maxKey as nil. Documents written over the wire
/// never hold them; only ones written by other means can.
///
/// The server and the client both use this one table.
public enum DocumentValueMapping {
    /// The BSON value for a MessagePack value.
    ///
    /// Throws `WireError(.malformed)` (the server answers `bad_request`) naming `argument` (and the path inside it) for a
    /// map key that is not a string, an integer above `Int64.max`, an
    /// extension other than the timestamp, or a timestamp out of the
    /// millisecond range.
    public static func value(_ value: MessagePackValue, argument: String, path: String = "") throws(WireError) -> Value {
        switch value {
        case .nil: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int64(i)
        case .uint(let u):
            guard let i = Int64(exactly: u) else {
                throw WireError(.malformed, "\(place(argument, path)): integer \(u) is above Int64.max")
            }
            return .int64(i)
        case .float32(let f): return .double(Double(f))
        case .float64(let d): return .double(d)
        case .string(let s): return .string(s)
        case .binary(let b): return .binary(Binary(bytes: b))
        case .array(let elements):
            var out: [Value] = []
            out.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                out.append(try self.value(element, argument: argument, path: path + "[\(index)]"))
            }
            return .array(out)
        case .map:
            return .document(try document(value, argument: argument, path: path))
        case .timestamp(let seconds, let nanoseconds):
            let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            let (sum, overflow2) = ms.addingReportingOverflow(Int64(nanoseconds / 1_000_000))
            guard !overflow && !overflow2 else {
                throw WireError(.malformed, "\(place(argument, path)): timestamp \(seconds) s is out of range")
            }
            return .datetime(sum)
        case .ext(let type, _):
            throw WireError(.malformed, 
                "\(place(argument, path)): MessagePack extension type \(type) has no document form")
        }
    }

    /// The document for a MessagePack map. Throws `bad_request` naming
    /// `argument` when `value` is not a map or holds a value ``value(_:argument:path:)`` rejects.
    public static func document(_ value: MessagePackValue, argument: String, path: String = "") throws(WireError) -> Document {
        guard case .map(let pairs) = value else {
            throw WireError(.malformed, "\(place(argument, path)) must be a map, got \(value.typeName)")
        }
        var document = Document()
        for (key, entry) in pairs {
            guard case .string(let name) = key else {
                throw WireError(.malformed, 
                    "\(place(argument, path)): document keys must be strings, got \(key.typeName) key \(key)")
            }
            let inner = path.isEmpty ? name : path + "." + name
            document.append(name, try self.value(entry, argument: argument, path: inner))
        }
        return document
    }

    /// The MessagePack form of a BSON value (see the table above).
    public static func messagePack(_ value: Value) -> MessagePackValue {
        switch value {
        case .null, .undefined, .minKey, .maxKey: return .nil
        case .bool(let b): return .bool(b)
        case .int32(let i): return .int(Int64(i))
        case .int64(let i): return .int(i)
        case .double(let d): return .float64(d)
        case .decimal128(let d): return .string(d.description)
        case .string(let s): return .string(s)
        case .binary(let b): return .binary(b.bytes)
        case .objectId(let id): return .string(id.hex)
        case .datetime(let ms):
            let seconds = ms.dividedRoundingDown(by: 1000)
            let millis = ms - seconds * 1000
            return .timestamp(seconds: seconds, nanoseconds: UInt32(millis) * 1_000_000)
        case .timestamp(let t): return .uint(UInt64(t.seconds) << 32 | UInt64(t.increment))
        case .regex(let r): return .string("/\(r.pattern)/\(r.options)")
        case .array(let elements): return .array(elements.map(messagePack))
        case .document(let d): return messagePack(d)
        case .javascript(let code): return .string(code)
        case .javascriptWithScope(let code, _): return .string(code)
        case .symbol(let s): return .string(s)
        case .dbPointer(let namespace, let id): return .string("\(namespace).\(id.hex)")
        }
    }

    /// The MessagePack map of a document, in the document's key order.
    public static func messagePack(_ document: Document) -> MessagePackValue {
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = []
        pairs.reserveCapacity(document.count)
        for (key, value) in document { pairs.append((.string(key), messagePack(value))) }
        return .map(pairs)
    }

    private static func place(_ argument: String, _ path: String) -> String {
        path.isEmpty ? "argument \"\(argument)\"" : "argument \"\(argument)\" at \(path)"
    }
}

extension Int64 {
    /// `self / divisor` rounded towards negative infinity.
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
