/// Splits a byte stream into frames (see `Frame` for the layout), incrementally.
///
/// Feed bytes as they arrive with `append`, then call `next()` (or
/// `nextPayload()`) until it returns `nil`, meaning more bytes are needed:
///
/// ```swift
/// decoder.append(bytes)
/// while let frame = try decoder.next() {
///     switch frame {
///     case .value(let value): …                  // one decoded payload
///     case .invalid(let error): …                // bad payload, boundary known: reply with an error
///     }
/// }
/// ```
///
/// `next()` throws only when the frame boundary is lost (a length of 0 or above
/// `maxFrameSize`); the error has `boundaryLost == true`, the decoder stays
/// failed, and the connection must close. A length above the maximum is rejected
/// as soon as the 4-byte prefix arrives, before its payload is buffered.
public struct FrameDecoder: Sendable {
    /// One frame whose boundary was found.
    public enum DecodedFrame: Hashable, Sendable {
        /// The payload decoded to exactly one value.
        case value(MessagePackValue)
        /// The payload is not exactly one valid MessagePack value. The stream is
        /// still in sync: answer with an error and carry on.
        case invalid(WireError)
    }

    /// The largest payload accepted, in bytes.
    public let maxFrameSize: Int
    /// The decoder used for payloads (its depth limit applies).
    public var decoder: MessagePackDecoder

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: WireError?

    /// Creates a frame decoder. `maxFrameSize` must be in 1…2^32 − 1 (a
    /// programming error otherwise, which traps).
    public init(maxFrameSize: Int = Frame.defaultMaxSize, decoder: MessagePackDecoder = MessagePackDecoder()) {
        precondition(maxFrameSize >= 1 && maxFrameSize <= Int(UInt32.max), "maxFrameSize out of range")
        self.maxFrameSize = maxFrameSize
        self.decoder = decoder
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Returns the next complete frame decoded, or `nil` when more bytes are needed.
    ///
    /// Throws `WireError` with `boundaryLost == true` (`.malformed` for a zero
    /// length, `.tooLarge` above `maxFrameSize`); every later call throws it again.
    public mutating func next() throws -> DecodedFrame? {
        guard let (start, length) = try nextFrameRange() else { return nil }
        let result: DecodedFrame
        do {
            let value = try buffer.withUnsafeBytes { all in
                try decoder.decode(UnsafeRawBufferPointer(rebasing: all[start..<start + length]))
            }
            result = .value(value)
        } catch let error as WireError {
            result = .invalid(error)
        } catch {
            result = .invalid(WireError(.malformed, "\(error)"))
        }
        consume(upTo: start + length)
        return result
    }

    /// Returns the next complete frame's payload bytes undecoded, or `nil` when
    /// more bytes are needed.
    ///
    /// Throws as `next()` does.
    public mutating func nextPayload() throws -> [UInt8]? {
        guard let (start, length) = try nextFrameRange() else { return nil }
        let payload = Array(buffer[start..<start + length])
        consume(upTo: start + length)
        return payload
    }

    /// The payload range of the next complete frame, `nil` if it has not fully
    /// arrived; checks the length prefix as soon as it is present.
    private mutating func nextFrameRange() throws -> (start: Int, length: Int)? {
        if let failure { throw failure }
        guard bufferedByteCount >= Frame.headerSize else { return nil }
        let length =
            Int(buffer[readIndex]) << 24 | Int(buffer[readIndex + 1]) << 16
            | Int(buffer[readIndex + 2]) << 8 | Int(buffer[readIndex + 3])
        if length == 0 {
            let error = WireError(
                .malformed, "frame length 0 is not allowed (the minimum is 1); the stream is out of sync",
                boundaryLost: true)
            failure = error
            throw error
        }
        if length > maxFrameSize {
            let error = WireError(
                .tooLarge, "frame length \(length) exceeds the maximum of \(maxFrameSize) bytes", boundaryLost: true)
            failure = error
            throw error
        }
        guard bufferedByteCount - Frame.headerSize >= length else { return nil }
        return (readIndex + Frame.headerSize, length)
    }

    /// Drops consumed bytes, compacting the buffer when it pays.
    private mutating func consume(upTo end: Int) {
        readIndex = end
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 64 * 1024 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
