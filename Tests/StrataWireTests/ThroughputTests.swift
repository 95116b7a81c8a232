import Foundation
import Testing

@testable import StrataWire

/// Rough encode/decode throughput, printed for a person to read; never asserted.
/// Run in release with `STRATA_WIRE_THROUGHPUT=1 swift test -c release --filter ThroughputTests`.
@Suite("Throughput (manual)")
struct ThroughputTests {
    static let enabled = ProcessInfo.processInfo.environment["STRATA_WIRE_THROUGHPUT"] != nil

    /// A document-like request: strings, integers, floats, binary, a nested map and array.
    static let sample: MessagePackValue = [
        "id": 123_456, "op": "insert_one", "collection": "users",
        "doc": [
            "_id": "4f1d6a2e-8a7b-4c1e-9d3f-0b5a6c7d8e9f", "name": "Ada Lovelace", "age": 36, "score": 98.25,
            "active": true, "tags": ["math", "engine", "notes"], "avatar": .binary([UInt8](repeating: 0xAB, count: 64)),
            "address": ["city": "London", "zip": "W1", "lat": 51.5072, "lon": -0.1276],
            "created": .timestamp(seconds: 1_700_000_000, nanoseconds: 123_000_000),
        ],
    ]

    @Test(.enabled(if: enabled)) func encodeAndDecode() throws {
        let iterations = 200_000
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        let size = MessagePackEncoder.encode(Self.sample).count

        var start = ContinuousClock.now
        for _ in 0..<iterations {
            buffer.removeAll(keepingCapacity: true)
            MessagePackEncoder.encode(Self.sample, into: &buffer)
        }
        report("encode", ContinuousClock.now - start, iterations, size)

        let decoder = MessagePackDecoder()
        var checksum = 0
        start = ContinuousClock.now
        for _ in 0..<iterations {
            checksum &+= try decoder.decode(buffer).mapValue?.count ?? 0
        }
        report("decode", ContinuousClock.now - start, iterations, size)

        var stream: [UInt8] = []
        for _ in 0..<iterations { try Frame.encode(Self.sample, into: &stream) }
        var frames = FrameDecoder()
        start = ContinuousClock.now
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 64 * 1024)
            frames.append(stream[offset..<end])
            offset = end
            while let frame = try frames.next() { if case .value = frame { checksum &+= 1 } }
        }
        report("frames+decode", ContinuousClock.now - start, iterations, size + 4)
        #expect(checksum > 0)
    }

    private func report(_ name: String, _ elapsed: Duration, _ count: Int, _ size: Int) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perSecond = Double(count) / seconds
        print(
            "\(name): \(count) values of \(size) bytes in \(String(format: "%.3f", seconds)) s = "
                + "\(Int(perSecond)) values/s, \(String(format: "%.0f", perSecond * Double(size) / 1e6)) MB/s")
    }
}
