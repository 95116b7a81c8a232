import Foundation

/// A YCSB workload property file (`workloads/workloada` and friends), read as
/// YCSB reads it: `key=value` lines, `#` comments, later lines win.
///
/// The CoreWorkload properties Strata uses, with YCSB's defaults:
///
/// | property | default |
/// |---|---|
/// | recordcount, operationcount | 1000, 1000 |
/// | fieldcount, fieldlength | 10, 100 |
/// | readallfields, writeallfields | true, false |
/// | read/update/insert/scan/readmodifywrite proportion | 0.95, 0.05, 0, 0, 0 |
/// | requestdistribution | uniform (zipfian, latest, hotspot) |
/// | maxscanlength, scanlengthdistribution | 1000, uniform |
/// | insertorder | hashed (ordered) |
/// | hotspotdatafraction, hotspotopnfraction | 0.2, 0.8 |
public struct YCSBProperties: Sendable, Equatable {
    public var name: String
    public var values: [String: String]

    /// Parses `text`; `name` labels the results (the file's base name).
    public init(name: String, text: String) {
        self.name = name
        var values: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            values[key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        self.values = values
    }

    /// Reads a property file. - Throws: `HarnessError` naming the file.
    public init(contentsOf path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HarnessError("cannot read the YCSB workload file \(path)")
        }
        self.init(name: URL(fileURLWithPath: path).lastPathComponent, text: text)
    }

    func int(_ key: String, _ defaultValue: Int) throws -> Int {
        guard let text = values[key] else { return defaultValue }
        guard let v = Int(text), v >= 0 else { throw HarnessError("\(name): \(key)=\(text) is not a non-negative integer") }
        return v
    }

    func double(_ key: String, _ defaultValue: Double) throws -> Double {
        guard let text = values[key] else { return defaultValue }
        guard let v = Double(text), v >= 0, v.isFinite else { throw HarnessError("\(name): \(key)=\(text) is not a non-negative number") }
        return v
    }

    func bool(_ key: String, _ defaultValue: Bool) throws -> Bool {
        guard let text = values[key] else { return defaultValue }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw HarnessError("\(name): \(key)=\(text) is not true or false")
        }
    }
}

/// The parsed, checked CoreWorkload of one property file.
public struct YCSBSpec: Sendable, Equatable {
    public enum Distribution: String, Sendable {
        case uniform, zipfian, latest, hotspot
    }

    public var name: String
    public var recordCount: Int
    public var operationCount: Int
    public var fieldCount: Int
    public var fieldLength: Int
    public var readAllFields: Bool
    public var writeAllFields: Bool
    /// read, update, insert, scan, read-modify-write (normalized to sum 1).
    public var proportions: [Double]
    public var distribution: Distribution
    public var maxScanLength: Int
    public var orderedInserts: Bool
    public var hotspotDataFraction: Double
    public var hotspotOpnFraction: Double

    /// YCSB's operation names, in the order of ``proportions``.
    public static let operationNames = ["READ", "UPDATE", "INSERT", "SCAN", "READ-MODIFY-WRITE"]

    /// - Throws: `HarnessError` naming the property that is wrong.
    public init(_ p: YCSBProperties) throws {
        name = p.name
        recordCount = try p.int("recordcount", 1000)
        operationCount = try p.int("operationcount", 1000)
        fieldCount = try p.int("fieldcount", 10)
        fieldLength = try p.int("fieldlength", 100)
        readAllFields = try p.bool("readallfields", true)
        writeAllFields = try p.bool("writeallfields", false)
        let raw = [
            try p.double("readproportion", 0.95), try p.double("updateproportion", 0.05),
            try p.double("insertproportion", 0), try p.double("scanproportion", 0),
            try p.double("readmodifywriteproportion", 0),
        ]
        let sum = raw.reduce(0, +)
        guard sum > 0 else { throw HarnessError("\(p.name): every operation proportion is 0") }
        proportions = raw.map { $0 / sum }
        let dist = p.values["requestdistribution"] ?? "uniform"
        guard let d = Distribution(rawValue: dist) else {
            throw HarnessError("\(p.name): requestdistribution=\(dist) is not uniform, zipfian, latest or hotspot")
        }
        distribution = d
        maxScanLength = max(1, try p.int("maxscanlength", 1000))
        let order = p.values["insertorder"] ?? "hashed"
        guard order == "hashed" || order == "ordered" else {
            throw HarnessError("\(p.name): insertorder=\(order) is not hashed or ordered")
        }
        orderedInserts = order == "ordered"
        hotspotDataFraction = try p.double("hotspotdatafraction", 0.2)
        hotspotOpnFraction = try p.double("hotspotopnfraction", 0.8)
        guard recordCount > 0, fieldCount > 0, fieldLength > 0 else {
            throw HarnessError("\(p.name): recordcount, fieldcount and fieldlength must be positive")
        }
        guard hotspotDataFraction <= 1, hotspotOpnFraction <= 1 else {
            throw HarnessError("\(p.name): hotspot fractions must be at most 1")
        }
    }

    /// The record key of record number `n`: `user` and the number, FNV-hashed unless inserts are ordered.
    public func key(_ n: Int) -> [UInt8] {
        let v = orderedInserts ? UInt64(n) : YCSBHash.fnv64(UInt64(n))
        return Array("user\(v)".utf8)
    }
}

/// YCSB's hash (`Utils.fnvhash64`): FNV-1a over the 8 bytes of a long, low
/// byte first, then the absolute value.
enum YCSBHash {
    static func fnv64(_ value: UInt64) -> UInt64 {
        var v = value
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for _ in 0..<8 {
            h ^= v & 0xFF
            v >>= 8
            h = h &* 1_099_511_628_211
        }
        let signed = Int64(bitPattern: h)
        return signed == .min ? UInt64(bitPattern: signed) : UInt64(abs(signed))
    }
}
