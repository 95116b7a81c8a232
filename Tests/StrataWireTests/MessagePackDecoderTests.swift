import Testing

@testable import StrataWire

@Suite("Decoder: strictness and partial input")
struct MessagePackDecoderTests {
    static let samples: [MessagePackValue] = [
        .nil, true, 0, 127, 128, 65536, -33, .int(Int64.min), .uint(UInt64.max), .float32(1), 1.5,
        "", "héllo 🍺", .string(String(repeating: "s", count: 300)), .binary([1, 2, 3]),
        .binary([UInt8](repeating: 9, count: 70000)), [1, [2, [3]]], ["a": ["b": nil]],
        .ext(type: 3, data: [1, 2, 3]), .ext(type: -5, data: Array(repeating: 1, count: 16)),
        .timestamp(seconds: 5, nanoseconds: 0), .timestamp(seconds: 5, nanoseconds: 1),
        .timestamp(seconds: -5, nanoseconds: 1),
        .map([(.int(1), "int key"), (.array([]), "array key"), (.nil, "nil key")]),
    ]

    @Test("a value cut at every offset needs more bytes, never crashes", arguments: samples)
    func truncationAtEveryOffset(_ value: MessagePackValue) throws {
        let bytes = encode(value)
        let decoder = MessagePackDecoder()
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[..<cut])
            #expect(decoder.status(of: prefix) == .needMoreBytes, "cut at \(cut)")
            #expect(wireError { _ = try decoder.decode(prefix) }?.code == .truncated)
        }
        #expect(decoder.status(of: bytes) == .complete(byteCount: bytes.count))
        #expect(decoder.status(of: bytes + [0xC0]) == .complete(byteCount: bytes.count))
        #expect(try decoder.decode(bytes) == value)
    }

    @Test func hugeClaimedLengthsFailFastWithoutAllocating() {
        let headers: [[UInt8]] = [
            [0xDB, 0xFF, 0xFF, 0xFF, 0xFF], [0xC6, 0xFF, 0xFF, 0xFF, 0xFF], [0xC9, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            [0xDD, 0xFF, 0xFF, 0xFF, 0xFF], [0xDF, 0xFF, 0xFF, 0xFF, 0xFF],
        ]
        for header in headers {
            let bytes = header + [1, 2, 3, 4, 5]
            let error = wireError { _ = try decode(bytes) }
            #expect(error?.code == .truncated)
            if header[0] != 0xDD && header[0] != 0xDF {
                #expect(error?.offset == 0)
                #expect(error?.message.contains("4294967295") == true, "\(String(describing: error))")
            }
        }
    }

    @Test func reservedByteIsMalformed() {
        let error = wireError { _ = try decode([0x92, 0x01, 0xC1]) }
        #expect(error?.code == .malformed)
        #expect(error?.offset == 2)
        #expect(error?.message.contains("0xc1") == true)
        #expect(MessagePackDecoder().status(of: [0x92, 0xC1]) != .needMoreBytes)
    }

    @Test(
        "invalid UTF-8 is rejected",
        arguments: [
            [0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
            [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80],
        ] as [[UInt8]])
    func invalidUTF8(_ body: [UInt8]) {
        let bytes = [0xA0 | UInt8(body.count)] + body
        let error = wireError { _ = try decode(bytes) }
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("UTF-8") == true)
    }

    @Test func depthLimit() throws {
        func nested(_ depth: Int) -> [UInt8] { Array(repeating: 0x91, count: depth) + [0xC0] }
        #expect(try decode(nested(64)) != .nil)
        let error = wireError { _ = try decode(nested(65)) }
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 64)
        #expect(wireError { _ = try decode(nested(3), maxDepth: 2) }?.code == .tooDeep)
        #expect(try decode(nested(3), maxDepth: 3) != .nil)
        // Maps count too, and a deep prefix is reported as malformed, not "need more".
        let maps: [UInt8] = Array(repeating: [0x81, 0xA1, 0x6B] as [UInt8], count: 70).flatMap { $0 } + [0xC0]
        #expect(wireError { _ = try decode(maps) }?.code == .tooDeep)
        if case .malformed(let e) = MessagePackDecoder().status(of: Array(nested(200).prefix(100))) {
            #expect(e.code == .tooDeep)
        } else {
            Issue.record("deep prefix not reported as malformed")
        }
    }

    @Test func trailingBytesAreReported() throws {
        let error = wireError { _ = try decode([0x01, 0x02, 0x03]) }
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 1)
        let (value, count) = try MessagePackDecoder().decodePrefix([0x01, 0x02, 0x03])
        #expect(value == 1 && count == 1)
    }

    @Test func emptyInputNeedsMoreBytes() {
        #expect(MessagePackDecoder().status(of: []) == .needMoreBytes)
        #expect(wireError { _ = try decode([]) }?.code == .truncated)
    }

    @Test func badTimestamps() {
        // Nanoseconds of 10^9 in the 96-bit layout.
        let ns: [UInt8] = [0x3B, 0x9A, 0xCA, 0x00]
        #expect(wireError { _ = try decode([0xC7, 12, 0xFF] + ns + [0, 0, 0, 0, 0, 0, 0, 0]) }?.code == .malformed)
        // 64-bit layout with the nanosecond field all ones.
        #expect(wireError { _ = try decode([0xD7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) }?.code == .malformed)
        // Extension −1 of a size that is no timestamp layout.
        #expect(wireError { _ = try decode([0xD5, 0xFF, 0, 0]) }?.code == .malformed)
        #expect(wireError { _ = try decode([0xC7, 3, 0xFF, 0, 0, 0]) }?.code == .malformed)
        // …and that is known before the body arrives.
        if case .malformed = MessagePackDecoder().status(of: [0xD5, 0xFF]) {
        } else {
            Issue.record("bad timestamp size reported as needing more bytes")
        }
    }

    @Test func integersNormaliseToInt() throws {
        #expect(try decode([0xCF, 0, 0, 0, 0, 0, 0, 0, 1]) == .int(1))
        if case .int = try decode([0xCC, 0xFF]) {} else { Issue.record("uint8 did not decode as .int") }
        if case .uint = try decode([0xCF, 0x80, 0, 0, 0, 0, 0, 0, 0]) {} else { Issue.record("big uint64 not .uint") }
    }

    @Test func decodesFromARawBuffer() throws {
        let bytes = encode(["op": "ping"])
        let value = try bytes.withUnsafeBytes { try MessagePackDecoder().decode($0) }
        #expect(value["op"] == "ping")
    }
}
