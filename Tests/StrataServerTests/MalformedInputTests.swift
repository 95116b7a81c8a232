import StrataClient
import StrataServer
import StrataWire
import Testing

/// Bad input never takes the server down: where the frame boundary is known the
/// connection gets an error response and stays open; where it is lost the
/// connection closes; other connections never notice.
@Suite("Malformed input")
struct MalformedInputTests {
    /// A frame payload that is wrong in some way, with the code it must get.
    struct BadPayload: CustomTestStringConvertible, Sendable {
        let name: String
        let payload: [UInt8]
        let code: ResponseError.Code
        /// The id the error response must carry (nil where it cannot be read).
        let id: UInt64?
        var testDescription: String { name }
    }

    static let badPayloads: [BadPayload] = [
        BadPayload(name: "not MessagePack (reserved byte 0xC1)", payload: [0xC1], code: .badRequest, id: nil),
        BadPayload(name: "truncated value", payload: [0x82, 0xA2, 0x69, 0x64], code: .badRequest, id: nil),
        BadPayload(name: "two values in one frame", payload: [0x01, 0x02], code: .badRequest, id: nil),
        BadPayload(name: "invalid UTF-8 string", payload: [0xA2, 0xFF, 0xFE], code: .badRequest, id: nil),
        BadPayload(name: "an array, not a map", payload: MessagePackEncoder.encode([1, 2]), code: .badRequest, id: nil),
        BadPayload(name: "a string, not a map", payload: MessagePackEncoder.encode("ping"), code: .badRequest, id: nil),
        BadPayload(name: "map without op", payload: MessagePackEncoder.encode(["id": 7]), code: .badRequest, id: 7),
        BadPayload(name: "map without id", payload: MessagePackEncoder.encode(["op": "ping"]), code: .badRequest, id: nil),
        BadPayload(name: "id is a string", payload: MessagePackEncoder.encode(["id": "x", "op": "ping"]), code: .badRequest, id: nil),
        BadPayload(name: "op is an int", payload: MessagePackEncoder.encode(["id": 8, "op": 3]), code: .badRequest, id: 8),
        BadPayload(name: "unknown op", payload: MessagePackEncoder.encode(["id": 9, "op": "explode"]), code: .unsupported, id: 9),
        BadPayload(
            name: "kv_get key is a string",
            payload: MessagePackEncoder.encode(["id": 10, "op": "kv_get", "cf": "default", "key": "k"]),
            code: .badRequest, id: 10),
        BadPayload(
            name: "kv_put without value",
            payload: MessagePackEncoder.encode(["id": 11, "op": "kv_put", "cf": "default", "key": .binary([1])]),
            code: .badRequest, id: 11),
        BadPayload(
            name: "kv_scan limit is a string",
            payload: MessagePackEncoder.encode(["id": 12, "op": "kv_scan", "cf": "default", "limit": "ten"]),
            code: .badRequest, id: 12),
        BadPayload(
            name: "nested deeper than the decoder allows",
            payload: Array(repeating: 0x91, count: 200) + [0x01], code: .badRequest, id: nil),
    ]

    @Test("a bad payload gets an error response; the connection and others carry on", arguments: badPayloads)
    func badPayload(_ bad: BadPayload) throws {
        try withServer { server in
            let other = try server.connect()
            let raw = try server.raw()
            try raw.writeFrame(payload: bad.payload)
            try raw.writeRequest(["id": 100, "op": "ping"])
            let error = try raw.readResponse()
            #expect(error.errorCode == bad.code)
            #expect(error.id == bad.id)
            let pong = try raw.readResponse()
            #expect(pong == .ok(id: 100, result: "pong"))
            #expect(try other.ping())
        }
    }

    @Test("a zero frame length closes only that connection")
    func zeroLength() throws {
        try withServer { server in
            let other = try server.connect()
            let raw = try server.raw()
            try raw.writeRequest(["id": 1, "op": "ping"])
            try raw.write([0, 0, 0, 0, 0x81])
            #expect(try raw.readResponse() == .ok(id: 1, result: "pong"))
            let farewell = try raw.readResponse()
            #expect(farewell.errorCode == .badRequest)
            #expect(raw.isClosedByServer())
            #expect(try other.ping())
            #expect(try server.connect().ping())
        }
    }

    @Test("a frame over the limit closes only that connection, before its payload arrives")
    func oversizedFrame() throws {
        try withServer(configure: { $0.maxFrameSize = 1024 }) { server in
            let other = try server.connect()
            let raw = try server.raw()
            try raw.write([0, 0, 0x04, 0x01])  // 1025 bytes announced, none sent
            let farewell = try raw.readResponse()
            #expect(farewell.errorCode == .tooLarge)
            #expect(raw.isClosedByServer())
            #expect(try other.ping())
            // A frame exactly at the limit (42 bytes of envelope + 982) is fine.
            let client = try server.connect()
            try client.kvPut(key: [1], value: Array(repeating: 7, count: 982))
            #expect(try client.kvGet(key: [1])?.count == 982)
        }
    }

    @Test("a response above the frame limit becomes too_large")
    func oversizedResponse() throws {
        try withServer(configure: { $0.maxFrameSize = 4096 }) { server in
            let client = try server.connect()
            for i in 0..<8 { try client.kvPut(key: [UInt8(i)], value: Array(repeating: 1, count: 1000)) }
            expectError(.tooLarge) { try client.kvScan() }
            #expect(try client.kvScan(limit: 2).count == 2)
        }
    }

    @Test("a frame split across many writes is reassembled")
    func splitFrames() throws {
        try withServer { server in
            let raw = try server.raw()
            var stream: [UInt8] = []
            for id in 1...5 {
                try Frame.encode(["id": .uint(UInt64(id)), "op": "ping"], into: &stream)
            }
            for byte in stream { try raw.write([byte]) }
            for id in 1...5 { #expect(try raw.readResponse() == .ok(id: UInt64(id), result: "pong")) }
        }
    }

    @Test("garbage between good frames is answered in order")
    func garbageInPipeline() throws {
        try withServer { server in
            let raw = try server.raw()
            var stream: [UInt8] = []
            try Frame.encode(["id": 1, "op": "ping"], into: &stream)
            stream += [0, 0, 0, 3, 0xC1, 0xC1, 0xC1]
            try Frame.encode(["id": 3, "op": "nope"], into: &stream)
            try Frame.encode(["id": 4, "op": "ping"], into: &stream)
            try raw.write(stream)
            #expect(try raw.readResponse() == .ok(id: 1, result: "pong"))
            #expect(try raw.readResponse().errorCode == .badRequest)
            #expect(try raw.readResponse().errorCode == .unsupported)
            #expect(try raw.readResponse() == .ok(id: 4, result: "pong"))
        }
    }
}
