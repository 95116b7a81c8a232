import StrataDocument
import StrataWire
import StrataWireDocument

extension DocumentValueMapping {
    /// The value for a MessagePack value the server sent. Throws
    /// `ClientError(.protocolViolation)` for what no document holds.
    static func value(_ value: MessagePackValue) throws(ClientError) -> Value {
        do { return try Self.value(value, argument: "result") } catch {
            throw ClientError(.protocolViolation, "response: \(error.message)")
        }
    }

    /// The document for a MessagePack map the server sent. Throws
    /// `ClientError(.protocolViolation)` when it is not a map of string keys.
    static func document(_ value: MessagePackValue) throws(ClientError) -> Document {
        do { return try Self.document(value, argument: "result") } catch {
            throw ClientError(.protocolViolation, "response: \(error.message)")
        }
    }
}
