import Testing

@testable import StrataWire

@Suite("Encoder: smallest encoding at every width boundary")
struct MessagePackEncoderTests {
    /// (value, expected leading byte, expected total size)
    static let integers: [(Int64, UInt8, Int)] = [
        (0, 0x00, 1), (127, 0x7F, 1), (128, 0xCC, 2), (255, 0xCC, 2), (256, 0xCD, 3),
        (65535, 0xCD, 3), (65536, 0xCE, 5), (4_294_967_295, 0xCE, 5), (4_294_967_296, 0xCF, 9),
        (Int64.max, 0xCF, 9),
        (-1, 0xFF, 1), (-32, 0xE0, 1), (-33, 0xD0, 2), (-128, 0xD0, 2), (-129, 0xD1, 3),
        (-32768, 0xD1, 3), (-32769, 0xD2, 5), (Int64(Int32.min), 0xD2, 5), (Int64(Int32.min) - 1, 0xD3, 9),
        (Int64.min, 0xD3, 9),
    ]

    @Test("integers", arguments: integers)
    func integer(_ value: Int64, lead: UInt8, size: Int) throws {
        let bytes = encode(.int(value))
        #expect(bytes.first == lead)
        #expect(bytes.count == size)
        #expect(try decode(bytes) == .int(value))
        if value >= 0 { #expect(encode(.uint(UInt64(value))) == bytes) }
    }

    @Test func uintAboveInt64Max() throws {
        for value in [UInt64(Int64.max) + 1, UInt64.max] {
            let bytes = encode(.uint(value))
            #expect(bytes.first == 0xCF && bytes.count == 9)
            #expect(try decode(bytes) == .uint(value))
        }
    }

    /// (length, leading byte, header size)
    @Test(
        "strings",
        arguments: [
            (0, 0xA0, 1), (31, 0xBF, 1), (32, 0xD9, 2), (255, 0xD9, 2), (256, 0xDA, 3),
            (65535, 0xDA, 3), (65536, 0xDB, 5),
        ] as [(Int, UInt8, Int)])
    func string(_ length: Int, lead: UInt8, header: Int) throws {
        let value = MessagePackValue.string(String(repeating: "x", count: length))
        let bytes = encode(value)
        #expect(bytes.first == lead && bytes.count == header + length)
        #expect(try decode(bytes) == value)
    }

    @Test(
        "binary",
        arguments: [
            (0, 0xC4, 2), (255, 0xC4, 2), (256, 0xC5, 3), (65535, 0xC5, 3),
            (65536, 0xC6, 5),
        ] as [(Int, UInt8, Int)])
    func binary(_ length: Int, lead: UInt8, header: Int) throws {
        let value = MessagePackValue.binary([UInt8](repeating: 7, count: length))
        let bytes = encode(value)
        #expect(bytes.first == lead && bytes.count == header + length)
        #expect(try decode(bytes) == value)
    }

    @Test(
        "arrays",
        arguments: [
            (0, 0x90, 1), (15, 0x9F, 1), (16, 0xDC, 3), (65535, 0xDC, 3),
            (65536, 0xDD, 5),
        ] as [(Int, UInt8, Int)])
    func array(_ count: Int, lead: UInt8, header: Int) throws {
        let value = MessagePackValue.array(Array(repeating: .nil, count: count))
        let bytes = encode(value)
        #expect(bytes.first == lead && bytes.count == header + count)
        #expect(try decode(bytes) == value)
    }

    @Test(
        "maps",
        arguments: [
            (0, 0x80, 1), (15, 0x8F, 1), (16, 0xDE, 3), (65535, 0xDE, 3),
            (65536, 0xDF, 5),
        ] as [(Int, UInt8, Int)])
    func map(_ count: Int, lead: UInt8, header: Int) throws {
        let value = MessagePackValue.map((0..<count).map { (.int(Int64($0 % 100)), .nil) })
        let bytes = encode(value)
        #expect(bytes.first == lead)
        #expect(try decode(bytes) == value)
    }

    @Test(
        "ext",
        arguments: [
            (1, 0xD4), (2, 0xD5), (4, 0xD6), (8, 0xD7), (16, 0xD8), (0, 0xC7), (3, 0xC7),
            (17, 0xC7), (255, 0xC7), (256, 0xC8), (65535, 0xC8), (65536, 0xC9),
        ] as [(Int, UInt8)])
    func ext(_ length: Int, lead: UInt8) throws {
        let value = MessagePackValue.ext(type: 5, data: [UInt8](repeating: 1, count: length))
        let bytes = encode(value)
        #expect(bytes.first == lead)
        #expect(try decode(bytes) == value)
    }

    @Test func timestampLayouts() throws {
        // 32: seconds in UInt32, no nanoseconds.
        #expect(encode(.timestamp(seconds: 0, nanoseconds: 0)) == [0xD6, 0xFF, 0, 0, 0, 0])
        #expect(encode(.timestamp(seconds: 0xFFFF_FFFF, nanoseconds: 0)).count == 6)
        // 64: nanoseconds, or seconds up to 2^34 - 1.
        #expect(encode(.timestamp(seconds: 0x1_0000_0000, nanoseconds: 0)).prefix(2) == [0xD7, 0xFF])
        #expect(encode(.timestamp(seconds: 1, nanoseconds: 1)).count == 10)
        #expect(encode(.timestamp(seconds: (1 << 34) - 1, nanoseconds: 999_999_999)).count == 10)
        // 96: negative seconds or at least 2^34.
        #expect(encode(.timestamp(seconds: 1 << 34, nanoseconds: 0)).prefix(3) == [0xC7, 12, 0xFF])
        #expect(encode(.timestamp(seconds: -1, nanoseconds: 0)).count == 15)
        for value: MessagePackValue in [
            .timestamp(seconds: 0, nanoseconds: 0), .timestamp(seconds: 0xFFFF_FFFF, nanoseconds: 0),
            .timestamp(seconds: (1 << 34) - 1, nanoseconds: 999_999_999), .timestamp(seconds: 1 << 34, nanoseconds: 5),
            .timestamp(seconds: Int64.min, nanoseconds: 999_999_999), .timestamp(seconds: Int64.max, nanoseconds: 0),
        ] {
            #expect(try decode(encode(value)) == value)
        }
    }

    @Test func floatsKeepTheirWidth() throws {
        #expect(encode(.float32(1.5)) == [0xCA, 0x3F, 0xC0, 0, 0])
        #expect(encode(.float64(1.5)) == [0xCB, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
        #expect(try decode(encode(.float64(.nan))) == .float64(.nan))
        #expect(try decode(encode(.float32(-0.0))) == .float32(-0.0))
    }

    @Test func appendsToAReusedBuffer() {
        var buffer: [UInt8] = [0xAA]
        MessagePackEncoder.encode(["a": 1, "b": [true, nil]], into: &buffer)
        #expect(buffer == [0xAA, 0x82, 0xA1, 0x61, 0x01, 0xA1, 0x62, 0x92, 0xC3, 0xC0])
    }

    @Test func valueEqualityAndAccessors() {
        #expect(MessagePackValue.int(5) == .uint(5))
        #expect(Set<MessagePackValue>([.int(5), .uint(5)]).count == 1)
        #expect(MessagePackValue.int(-1) != .uint(UInt64.max))
        let value: MessagePackValue = ["op": "ping", "n": .uint(7), "x": 2.5]
        #expect(value["op"]?.stringValue == "ping")
        #expect(value["n"]?.intValue == 7)
        #expect(value["x"]?.doubleValue == 2.5)
        #expect(value["missing"] == nil)
        #expect(MessagePackValue.uint(UInt64.max).intValue == nil)
        #expect(MessagePackValue.int(-1).uintValue == nil)
    }
}
