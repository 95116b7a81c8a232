import Hummingbird
import StrataDocument

/// Builds the responses the API sends: JSON (relaxed Extended JSON for
/// documents and values) and plain text.
enum JSONResponse {
    /// A response holding `json` as `application/json`.
    static func json(_ json: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        text(json.text(), status: status, contentType: "application/json")
    }

    /// A response holding `text` with the given content type.
    static func text(
        _ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8"
    )
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The error body of `error` with its status.
    static func error(_ error: APIError) -> Response { json(error.body, status: error.code.status) }

    /// Documents as a JSON array of relaxed Extended JSON objects.
    static func documents(_ documents: [Document]) -> JSONValue {
        .array(documents.map { ExtendedJSON.json(of: .document($0)) })
    }

    /// A JSON object from members.
    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(members.map { JSONMember($0.0, $0.1) })
    }

    /// An integer as a JSON number.
    static func number(_ n: Int) -> JSONValue { .number(String(n)) }
}
