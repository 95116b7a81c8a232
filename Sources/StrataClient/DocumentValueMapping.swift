import StrataDocument
import StrataWire

/// How documents travel on the wire (DESIGN.md, "Wire protocol"), on the
/// client's side; the same table as the server's `DocumentValueMapping`:
///
/// ```
///   BSON value (StrataDocument)          MessagePack
///   null                           ⇄     nil
///   bool                           ⇄     bool
///   int32, int64                   →     int             int → int64
///   double                         →     float 64        float 32 / 64 → double
///   string                         ⇄     str
///   binary                         →     bin (subtype dropped); bin → binary (subtype 0)
///   datetime (ms)                  →     timestamp (ext −1); timestamp → datetime
///   array                          ⇄     array
///   document                       ⇄     map (string keys, order kept)
/// ```
///
/// BSON types MessagePack cannot hold are sent as their nearest plain value:
/// objectId as its 24 hex digits, decimal128 as text, a BSON timestamp as the
/// int `(t << 32) | i`, regex as `/pattern/options`, code and symbols as
/// strings, undefined/minKey/maxKey as nil.
public enum DocumentValueMapping {
    /// The MessagePack form of a value.
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
            var seconds = ms / 1000
            var millis = ms % 1000
            if millis < 0 {
                seconds -= 1
                millis += 1000
            }
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

    /// The MessagePack map of a document, in its key order.
    public static func messagePack(_ document: Document) -> MessagePackValue {
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = []
        pairs.reserveCapacity(document.count)
        for (key, value) in document { pairs.append((.string(key), messagePack(value))) }
        return .map(pairs)
    }

    /// The value for a MessagePack value the server sent.
    ///
    /// Throws `ClientError(.protocolViolation)` for what no document holds: a
    /// non-string map key, an integer above `Int64.max`, an extension other
    /// than the timestamp.
    public static func value(_ value: MessagePackValue) throws(ClientError) -> Value {
        switch value {
        case .nil: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int64(i)
        case .uint(let u):
            guard let i = Int64(exactly: u) else { throw violation("integer \(u) is above Int64.max") }
            return .int64(i)
        case .float32(let f): return .double(Double(f))
        case .float64(let d): return .double(d)
        case .string(let s): return .string(s)
        case .binary(let b): return .binary(Binary(bytes: b))
        case .array(let elements):
            var out: [Value] = []
            out.reserveCapacity(elements.count)
            for element in elements { out.append(try self.value(element)) }
            return .array(out)
        case .map: return .document(try document(value))
        case .timestamp(let seconds, let nanoseconds):
            let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            let (sum, overflow2) = ms.addingReportingOverflow(Int64(nanoseconds / 1_000_000))
            guard !overflow && !overflow2 else { throw violation("timestamp \(seconds) s is out of range") }
            return .datetime(sum)
        case .ext(let type, _): throw violation("extension type \(type) has no document form")
        }
    }

    /// The document for a MessagePack map the server sent. Throws
    /// `ClientError(.protocolViolation)` when it is not a map of string keys.
    public static func document(_ value: MessagePackValue) throws(ClientError) -> Document {
        guard case .map(let pairs) = value else { throw violation("expected a document (map), got \(value.typeName)") }
        var document = Document()
        for (key, entry) in pairs {
            guard case .string(let name) = key else { throw violation("document key \(key) is not a string") }
            document.append(name, try self.value(entry))
        }
        return document
    }

    private static func violation(_ message: String) -> ClientError {
        ClientError(.protocolViolation, message)
    }
}
