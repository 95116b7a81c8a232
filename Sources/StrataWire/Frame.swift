/// The frame format of the TCP protocol, and encoding of one frame.
///
/// ```
///  offset 0           4                                   4 + N
///         +-----------+-----------------------------------+
///         |     N     |          payload (N bytes)        |
///         | UInt32 BE |  one MessagePack value (a map)    |
///         +-----------+-----------------------------------+
///
///  1 ≤ N ≤ maximum frame size (16 MiB by default)
/// ```
///
/// A length of 0 or above the maximum means the stream cannot be trusted to find
/// the next frame: the boundary is lost and the connection must close. A payload
/// that is not valid MessagePack, or not exactly one value, spoils only its own
/// frame: the next frame starts at `4 + N` and an error response can be sent.
public enum Frame {
    /// Size of the length prefix in bytes.
    public static let headerSize = 4

    /// The default maximum payload size: 16 MiB.
    public static let defaultMaxSize = 16 * 1024 * 1024

    /// Appends one frame holding `value` to `buffer`.
    ///
    /// Throws `WireError(.tooLarge)` when the encoded value exceeds `maxSize`; the
    /// buffer is then left as it was.
    public static func encode(
        _ value: MessagePackValue, into buffer: inout [UInt8], maxSize: Int = defaultMaxSize
    ) throws {
        try encode(into: &buffer, maxSize: maxSize) { MessagePackEncoder.encode(value, into: &$0) }
    }

    /// Returns one frame holding `value`.
    ///
    /// Throws `WireError(.tooLarge)` when the encoded value exceeds `maxSize`.
    public static func encode(_ value: MessagePackValue, maxSize: Int = defaultMaxSize) throws -> [UInt8] {
        var buffer: [UInt8] = []
        try encode(value, into: &buffer, maxSize: maxSize)
        return buffer
    }

    /// Appends one frame whose payload `writePayload` appends to the buffer it is
    /// given, then fills in the length prefix.
    ///
    /// Throws `WireError(.tooLarge)` when the payload exceeds `maxSize` and
    /// `WireError(.malformed)` when it is empty; the buffer is then left as it was.
    public static func encode(
        into buffer: inout [UInt8], maxSize: Int = defaultMaxSize, _ writePayload: (inout [UInt8]) -> Void
    ) throws {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0])
        writePayload(&buffer)
        let length = buffer.count - start - headerSize
        guard length >= 1 else {
            buffer.removeSubrange(start...)
            throw WireError(.malformed, "a frame payload cannot be empty")
        }
        guard length <= maxSize, let length32 = UInt32(exactly: length) else {
            buffer.removeSubrange(start...)
            throw WireError(.tooLarge, "frame payload of \(length) bytes exceeds the maximum of \(maxSize)")
        }
        buffer[start] = UInt8(truncatingIfNeeded: length32 >> 24)
        buffer[start + 1] = UInt8(truncatingIfNeeded: length32 >> 16)
        buffer[start + 2] = UInt8(truncatingIfNeeded: length32 >> 8)
        buffer[start + 3] = UInt8(truncatingIfNeeded: length32)
    }
}
