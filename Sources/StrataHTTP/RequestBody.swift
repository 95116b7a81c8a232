import Hummingbird
import NIOCore
import StrataDocument

/// A request body read as relaxed Extended JSON (StrataDocument's
/// ``ExtendedJSON``), with errors that name what was wrong.
enum RequestBody {
    /// Reads the whole body, at most the context's `maxUploadSize` bytes.
    ///
    /// - Throws: `APIError.tooLarge` for a longer body; the connection's errors.
    static func collect(_ request: Request, _ context: some RequestContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(.tooLarge, "the request body is over the limit of \(context.maxUploadSize) bytes")
        }
    }

    /// The body's value, or nil for an empty (or all-whitespace) body.
    ///
    /// - Throws: `APIError.badRequest` for bytes that are not UTF-8 or not
    ///   (Extended) JSON, naming the parser's complaint.
    static func value(of buffer: ByteBuffer) throws(APIError) -> Value? {
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes),
            text.utf8.elementsEqual(buffer.readableBytesView)
        else { throw APIError(.badRequest, "the request body is not valid UTF-8") }
        if text.allSatisfy(\.isWhitespace) { return nil }
        do {
            return try ExtendedJSON.value(from: JSONValue.parse(text))
        } catch {
            throw APIError(.badRequest, "the request body is not valid JSON: \(error.message)")
        }
    }

    /// The body as one object, checked against the members `allowed`; an
    /// empty body is an empty object when `emptyAllowed`.
    ///
    /// - Throws: `APIError.badRequest` for bad JSON, a body that is not an
    ///   object, a missing body or a member that is not in `allowed`.
    static func object(of buffer: ByteBuffer, allowed: Set<String>, emptyAllowed: Bool = false) throws(APIError)
        -> BodyFields
    {
        guard let value = try value(of: buffer) else {
            if emptyAllowed { return BodyFields(Document()) }
            throw APIError(.badRequest, "the request body is empty; expected a JSON object")
        }
        guard case .document(let document) = value else {
            throw APIError(.badRequest, "the request body must be a JSON object, found \(typeName(value))")
        }
        for key in document.keys where !allowed.contains(key) {
            let known = allowed.sorted().map(\.debugDescription).joined(separator: ", ")
            throw APIError(.badRequest, "unknown body field \(key.debugDescription) (expected \(known))")
        }
        return BodyFields(document)
    }
}

/// The members of a body object, read with their expected types.
struct BodyFields {
    let document: Document

    init(_ document: Document) { self.document = document }

    /// Whether the member is present (even as null).
    func has(_ key: String) -> Bool { document[key] != nil }

    /// A document member, or nil when absent or null.
    func document(_ key: String) throws(APIError) -> Document? {
        switch document[key] {
        case nil, .null?: return nil
        case .document(let d)?: return d
        case let other?: throw wrongType(key, "a JSON object", other)
        }
    }

    /// A document member that must be present.
    func requiredDocument(_ key: String) throws(APIError) -> Document {
        guard let d = try document(key) else {
            throw APIError(.badRequest, "body field \(key.debugDescription) is required (a JSON object)")
        }
        return d
    }

    /// A string member, or nil when absent or null.
    func string(_ key: String) throws(APIError) -> String? {
        switch document[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw wrongType(key, "a string", other)
        }
    }

    /// An integer member (a JSON number without a fraction), or nil when absent or null.
    func int(_ key: String) throws(APIError) -> Int? {
        switch document[key] {
        case nil, .null?: return nil
        case .int32(let v)?: return Int(v)
        case .int64(let v)?: return Int(v)
        case .double(let d)? where d == d.rounded() && abs(d) < 1e15: return Int(d)
        case let other?: throw wrongType(key, "an integer", other)
        }
    }

    /// An array-of-strings member, or nil when absent or null.
    func strings(_ key: String) throws(APIError) -> [String]? {
        switch document[key] {
        case nil, .null?: return nil
        case .array(let a)?:
            var out: [String] = []
            for (i, element) in a.enumerated() {
                guard case .string(let s) = element else {
                    throw APIError(
                        .badRequest,
                        "body field \(key.debugDescription)[\(i)] must be a string, found \(typeName(element))")
                }
                out.append(s)
            }
            return out
        case let other?: throw wrongType(key, "an array of strings", other)
        }
    }

    private func wrongType(_ key: String, _ expected: String, _ found: Value) -> APIError {
        APIError(.badRequest, "body field \(key.debugDescription) must be \(expected), found \(typeName(found))")
    }
}

/// The JSON name of a value's type, for messages.
func typeName(_ value: Value) -> String {
    switch value {
    case .null: "null"
    case .bool: "a boolean"
    case .int32, .int64, .double, .decimal128: "a number"
    case .string: "a string"
    case .array: "an array"
    case .document: "an object"
    default: "a \(value.bsonType)"
    }
}
