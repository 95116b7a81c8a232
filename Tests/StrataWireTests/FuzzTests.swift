import Foundation
import Testing

@testable import StrataWire

/// Seeded robustness tests: random and mutated byte strings through the value
/// and frame decoders must never crash, and every valid encoding round-trips.
/// `STRATA_WIRE_FUZZ_SCALE` multiplies the iteration counts (default 1).
@Suite("Fuzz: random and mutated input")
struct FuzzTests {
    static let scale = Int(ProcessInfo.processInfo.environment["STRATA_WIRE_FUZZ_SCALE"] ?? "") ?? 1
    static let seeds: [UInt64] = [1, 0xC0FFEE]

    @Test("random values round-trip", arguments: seeds)
    func randomValuesRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var buffer: [UInt8] = []
        let decoder = MessagePackDecoder()
        for i in 0..<(5_000 * Self.scale) {
            let value = randomValue(&rng)
            buffer.removeAll(keepingCapacity: true)
            MessagePackEncoder.encode(value, into: &buffer)
            let decoded = try decoder.decode(buffer)
            guard decoded == value else {
                Issue.record("seed \(seed) iteration \(i): \(value) decoded as \(decoded)")
                return
            }
            #expect(decoder.status(of: buffer) == .complete(byteCount: buffer.count))
        }
    }

    @Test("random byte strings never crash the decoder", arguments: seeds)
    func randomBytes(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let decoder = MessagePackDecoder(maxDepth: 8)
        var bytes: [UInt8] = []
        var outcomes = [0, 0, 0]
        for _ in 0..<(500_000 * Self.scale) {
            bytes.removeAll(keepingCapacity: true)
            let count = Int(rng.next() % 24)
            var word = rng.next()
            for j in 0..<count {
                if j % 8 == 0 { word = rng.next() }
                bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(j % 8))))
            }
            switch decoder.status(of: bytes) {
            case .complete(let n):
                outcomes[0] += 1
                // A complete prefix decodes, and its canonical re-encoding decodes to the same value.
                guard let value = try? decoder.decodePrefix(bytes).value, n <= bytes.count,
                    (try? decoder.decode(MessagePackEncoder.encode(value))) == value
                else {
                    Issue.record("seed \(seed): inconsistent result for \(bytes)")
                    return
                }
            case .needMoreBytes: outcomes[1] += 1
            case .malformed: outcomes[2] += 1
            }
        }
        // The generator reaches all three outcomes.
        #expect(outcomes.allSatisfy { $0 > 0 }, "seed \(seed): \(outcomes)")
    }

    @Test("UTF-8 validation agrees with the standard library's", arguments: seeds)
    func utf8ValidationAgrees(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        // Bytes drawn mostly from lead and continuation ranges, to hit edge cases.
        let pool: [UInt8] = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
            0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        for _ in 0..<(50_000 * Self.scale) {
            let bytes = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
            let expected = String(validating: bytes, as: UTF8.self)
            let actual = bytes.withUnsafeBytes { Reader.validatedString($0) }
            guard actual == expected else {
                Issue.record("seed \(seed): \(bytes) validated as \(String(describing: actual))")
                return
            }
        }
    }

    @Test("mutated valid encodings never crash and stay consistent", arguments: seeds)
    func mutatedEncodings(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let decoder = MessagePackDecoder()
        for _ in 0..<(2_000 * Self.scale) {
            let original = MessagePackEncoder.encode(randomValue(&rng))
            for _ in 0..<50 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let at = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                    switch Int.random(in: 0..<5, using: &rng) {
                    case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                    case 1 where !bytes.isEmpty: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: min(at, bytes.count))
                    case 3 where !bytes.isEmpty: bytes.remove(at: at)
                    default: bytes = Array(bytes.prefix(at))
                    }
                }
                if let value = try? decoder.decode(bytes) {
                    #expect((try? decoder.decode(MessagePackEncoder.encode(value))) == value, "seed \(seed): \(bytes)")
                }
            }
        }
    }

    @Test("frame decoder survives random streams cut at random points", arguments: seeds)
    func frameStreams(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<(2_000 * Self.scale) {
            var stream: [UInt8] = []
            var sent: [MessagePackValue] = []
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let value = randomValue(&rng)
                try Frame.encode(value, into: &stream)
                sent.append(value)
            }
            let corrupt = Bool.random(using: &rng)
            if corrupt {
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    stream[Int.random(in: 0..<stream.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            var decoder = FrameDecoder(maxFrameSize: 64 * 1024)
            var received: [MessagePackValue] = []
            var invalid = 0
            var offset = 0
            streaming: while offset < stream.count {
                let chunk = min(stream.count - offset, Int.random(in: 1...64, using: &rng))
                decoder.append(stream[offset..<offset + chunk])
                offset += chunk
                do {
                    while let frame = try decoder.next() {
                        switch frame {
                        case .value(let value): received.append(value)
                        case .invalid: invalid += 1
                        }
                    }
                } catch let error as WireError {
                    #expect(error.boundaryLost && corrupt, "seed \(seed): \(error)")
                    break streaming
                }
            }
            if !corrupt {
                #expect(received == sent && invalid == 0, "seed \(seed)")
                #expect(decoder.bufferedByteCount == 0)
            }
        }
    }
}
