import Testing

@testable import StrataWire

@Suite("Frames: encoding and incremental decoding")
struct FrameDecoderTests {
    @Test func encodesLengthPrefix() throws {
        let frame = try Frame.encode(["op": "ping"])
        #expect(frame == [0, 0, 0, 9, 0x81, 0xA2, 0x6F, 0x70, 0xA4, 0x70, 0x69, 0x6E, 0x67])
    }

    @Test func encodeRejectsOversizedPayloadAndLeavesBufferIntact() {
        var buffer: [UInt8] = [1, 2]
        let error = wireError {
            try Frame.encode(.binary([UInt8](repeating: 0, count: 100)), into: &buffer, maxSize: 50)
        }
        #expect(error?.code == .tooLarge)
        #expect(buffer == [1, 2])
        #expect(wireError { try Frame.encode(into: &buffer) { _ in } }?.code == .malformed)
        #expect(buffer == [1, 2])
    }

    @Test func decodesFramesFedOneByteAtATime() throws {
        let values: [MessagePackValue] = [
            ["id": 1, "op": "ping"], ["id": 2, "op": "kv_get", "key": .binary([0, 1])],
        ]
        var stream: [UInt8] = []
        for value in values { try Frame.encode(value, into: &stream) }
        var decoder = FrameDecoder()
        var received: [MessagePackValue] = []
        for byte in stream {
            decoder.append([byte])
            while let frame = try decoder.next() {
                guard case .value(let value) = frame else { Issue.record("unexpected \(frame)"); return }
                received.append(value)
            }
        }
        #expect(received == values)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func decodesManyFramesFromOneChunk() throws {
        var stream: [UInt8] = []
        for i in 0..<1000 { try Frame.encode(["id": .int(Int64(i)), "op": "ping"], into: &stream) }
        var decoder = FrameDecoder()
        stream.withUnsafeBytes { decoder.append($0) }
        var count = 0
        while let frame = try decoder.next() {
            #expect(frame == .value(["id": .int(Int64(count)), "op": "ping"]))
            count += 1
        }
        #expect(count == 1000)
    }

    @Test func zeroLengthLosesTheBoundary() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 0, 0x80])
        let error = wireError { _ = try decoder.next() }
        #expect(error?.code == .malformed)
        #expect(error?.boundaryLost == true)
        // The decoder stays failed.
        decoder.append(try Frame.encode(["id": 1]))
        #expect(wireError { _ = try decoder.next() }?.boundaryLost == true)
    }

    @Test func oversizedLengthIsRejectedFromTheHeaderAlone() {
        var decoder = FrameDecoder(maxFrameSize: 1024)
        decoder.append([0, 0, 4, 1])  // 1025, no payload yet
        let error = wireError { _ = try decoder.next() }
        #expect(error?.code == .tooLarge)
        #expect(error?.boundaryLost == true)
        #expect(error?.message.contains("1025") == true)

        var exact = FrameDecoder(maxFrameSize: 1024)
        exact.append([0, 0, 4, 0])
        #expect((try? exact.next()) == .some(nil))  // waits for 1024 bytes
        var defaults = FrameDecoder()
        defaults.append([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(wireError { _ = try defaults.next() }?.code == .tooLarge)
    }

    @Test func badPayloadKeepsTheStreamInSync() throws {
        var stream: [UInt8] = [0, 0, 0, 2, 0xC1, 0x00]  // reserved byte
        stream += [0, 0, 0, 2, 0x01, 0x02]  // trailing byte
        stream += [0, 0, 0, 3, 0xA2, 0xC3, 0x28]  // invalid UTF-8
        stream += [0, 0, 0, 2, 0x92, 0x01]  // truncated inside the frame
        stream += try Frame.encode(["id": 9, "op": "ping"])
        var decoder = FrameDecoder()
        decoder.append(stream)
        var codes: [WireError.Code] = []
        var last: MessagePackValue?
        while let frame = try decoder.next() {
            switch frame {
            case .invalid(let error):
                #expect(!error.boundaryLost)
                codes.append(error.code)
            case .value(let value): last = value
            }
        }
        #expect(codes == [.malformed, .trailingBytes, .malformed, .truncated])
        #expect(last == ["id": 9, "op": "ping"])
    }

    @Test func payloadDepthFollowsTheConfiguredDecoder() throws {
        var decoder = FrameDecoder(decoder: MessagePackDecoder(maxDepth: 2))
        decoder.append([0, 0, 0, 4, 0x91, 0x91, 0x91, 0xC0])
        guard case .invalid(let error)? = try decoder.next() else { Issue.record("expected invalid"); return }
        #expect(error.code == .tooDeep)
    }

    @Test func nextPayloadReturnsRawBytes() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 2, 0xC1, 0xC1, 0, 0])
        #expect(try decoder.nextPayload() == [0xC1, 0xC1])
        #expect(try decoder.nextPayload() == nil)
        #expect(decoder.bufferedByteCount == 2)
    }
}
