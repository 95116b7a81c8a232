import Foundation
import Testing

@testable import StrataWire

/// A JSON value from the fixture, keeping integers exact.
private indirect enum JSONValue: Decodable {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([JSONValue])
    case object([(String, JSONValue)])

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? single.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? single.decode(Double.self) {
            self = .double(d)
        } else {
            self = .string(try single.decode(String.self))
        }
    }
}

/// One case of the suite: the expected value and its listed encodings.
struct SuiteCase: CustomStringConvertible, Sendable {
    let group: String
    let value: MessagePackValue
    let encodings: [[UInt8]]
    var description: String { "\(group): \(value)" }
}

private func hexBytes(_ hex: String) -> [UInt8] {
    hex.split(separator: "-").map { UInt8($0, radix: 16)! }
}

private func messagePackValue(_ json: JSONValue) -> MessagePackValue {
    switch json {
    case .null: return .nil
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d): return .float64(d)
    case .string(let s): return .string(s)
    case .array(let a): return .array(a.map(messagePackValue))
    case .object(let o): return .map(o.map { (.string($0.0), messagePackValue($0.1)) })
    }
}

private func suiteCases() throws -> [SuiteCase] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/msgpack-test-suite/msgpack-test-suite.json")
    let groups = try JSONDecoder().decode([String: [[String: JSONValue]]].self, from: Data(contentsOf: url))
    var cases: [SuiteCase] = []
    for (group, entries) in groups.sorted(by: { $0.key < $1.key }) {
        for entry in entries {
            guard case .array(let hexes)? = entry["msgpack"] else { fatalError("case without msgpack in \(group)") }
            let encodings = hexes.map { hex -> [UInt8] in
                guard case .string(let s) = hex else { fatalError("non-string hex") }
                return hexBytes(s)
            }
            let value: MessagePackValue
            if case .string(let big)? = entry["bignum"] {
                value = Int64(big).map(MessagePackValue.int) ?? .uint(UInt64(big)!)
            } else if let number = entry["number"] {
                value = messagePackValue(number)
            } else if let v = entry["nil"] ?? entry["bool"] ?? entry["string"] ?? entry["array"] ?? entry["map"] {
                value = messagePackValue(v)
            } else if case .string(let hex)? = entry["binary"] {
                value = .binary(hex.isEmpty ? [] : hexBytes(hex))
            } else if case .array(let pair)? = entry["timestamp"], case .int(let s) = pair[0],
                case .int(let n) = pair[1]
            {
                value = .timestamp(seconds: s, nanoseconds: UInt32(n))
            } else if case .array(let pair)? = entry["ext"], case .int(let t) = pair[0], case .string(let hex) = pair[1]
            {
                value = .ext(type: Int8(t), data: hex.isEmpty ? [] : hexBytes(hex))
            } else {
                fatalError("unknown case kind in \(group): \(entry.keys)")
            }
            cases.append(SuiteCase(group: group, value: value, encodings: encodings))
        }
    }
    return cases
}

/// Numbers in the suite may be encoded as any integer width or as a float: they
/// match when they denote the same number.
private func sameValue(_ decoded: MessagePackValue, _ expected: MessagePackValue) -> Bool {
    if decoded == expected { return true }
    switch (decoded, expected) {
    case (.float32, _), (.float64, _), (_, .float64):
        guard let a = decoded.doubleValue, let b = expected.doubleValue else { return false }
        return a == b
            && (expected.intValue == nil || decoded.doubleValue.map { Double(expected.intValue!) == $0 } == true)
    default:
        return false
    }
}

@Suite("msgpack-test-suite conformance")
struct MessagePackTestSuiteTests {
    static let cases: [SuiteCase] = (try? suiteCases()) ?? []

    @Test func fixtureIsPresentAndComplete() {
        #expect(Self.cases.count == 85)
    }

    @Test("every listed encoding decodes to the case's value", arguments: cases)
    func decodesEveryEncoding(_ suiteCase: SuiteCase) throws {
        for encoding in suiteCase.encodings {
            let decoded = try MessagePackDecoder().decode(encoding)
            #expect(sameValue(decoded, suiteCase.value), "\(encoding) decoded to \(decoded)")
        }
    }

    @Test("encoding the value gives one of the listed encodings", arguments: cases)
    func encodesToAListedEncoding(_ suiteCase: SuiteCase) {
        let encoded = MessagePackEncoder.encode(suiteCase.value)
        #expect(suiteCase.encodings.contains(encoded), "\(suiteCase.value) encoded to \(encoded)")
        // The suite lists a smallest encoding first; floats keep their width.
        if case .float64 = suiteCase.value {} else { #expect(encoded.count == suiteCase.encodings[0].count) }
    }
}
