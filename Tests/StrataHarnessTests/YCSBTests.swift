import Foundation
import Testing

@testable import StrataHarness

@Suite("YCSB workloads")
struct YCSBTests {
    static let shipped: String = {
        var directory = URL(fileURLWithPath: #filePath)
        while directory.path != "/" {
            directory.deleteLastPathComponent()
            let candidate = directory.appendingPathComponent("workloads/ycsb")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        }
        return "workloads/ycsb"
    }()

    @Test func theShippedCoreWorkloadsParseAsYCSBReadsThem() throws {
        let a = try YCSBSpec(YCSBProperties(contentsOf: Self.shipped + "/workloada"))
        #expect(a.recordCount == 1000 && a.operationCount == 1000)
        #expect(a.proportions == [0.5, 0.5, 0, 0, 0])
        #expect(a.distribution == .zipfian)
        let d = try YCSBSpec(YCSBProperties(contentsOf: Self.shipped + "/workloadd"))
        #expect(d.distribution == .latest)
        #expect(abs(d.proportions[2] - 0.05) < 1e-12)
        let e = try YCSBSpec(YCSBProperties(contentsOf: Self.shipped + "/workloade"))
        #expect(e.maxScanLength == 100)
        #expect(abs(e.proportions[3] - 0.95) < 1e-12)
        let f = try YCSBSpec(YCSBProperties(contentsOf: Self.shipped + "/workloadf"))
        #expect(abs(f.proportions[4] - 0.5) < 1e-12)
    }

    @Test func propertiesFollowYCSBRules() throws {
        let p = YCSBProperties(name: "t", text: "# comment\nrecordcount = 10\nrecordcount=20\nreadproportion=1\n\n")
        #expect(p.values["recordcount"] == "20")
        #expect(try YCSBSpec(p).recordCount == 20)
        let bad = YCSBProperties(name: "t", text: "recordcount=many")
        #expect { try YCSBSpec(bad) } throws: { ($0 as? HarnessError)?.message.contains("recordcount=many") == true }
    }

    /// YCSB's keys: "user" and the FNV-1a hash of the record number (Utils.fnvhash64).
    @Test func keysAreHashedAsYCSBHashesThem() throws {
        let spec = try YCSBSpec(YCSBProperties(name: "t", text: "readproportion=1"))
        // fnvhash64(0): FNV-1a of eight zero bytes.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for _ in 0..<8 { h = h &* 1_099_511_628_211 }
        let expected = UInt64(abs(Int64(bitPattern: h)))
        #expect(spec.key(0) == Array("user\(expected)".utf8))
        #expect(Set((0..<1000).map { spec.key($0) }).count == 1000)
        let ordered = try YCSBSpec(YCSBProperties(name: "t", text: "readproportion=1\ninsertorder=ordered"))
        #expect(ordered.key(42) == Array("user42".utf8))
    }

    @Test func zipfianFavoursFewItemsAndUniformDoesNot() throws {
        var random = StressRandom(seed: 3)
        var zipf = ZipfianGenerator(items: 1000)
        var counts = [Int](repeating: 0, count: 1000)
        for _ in 0..<100_000 {
            let u = Double(random.next() >> 11) / Double(1 << 53)
            counts[zipf.next(u)] += 1
        }
        #expect(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500])
        // With θ = 0.99 over 1,000 items the 10 most popular draw about 39 % of requests.
        let top10 = Double(counts.prefix(10).reduce(0, +)) / 100_000
        #expect(top10 > 0.3 && top10 < 0.5)

        let uniform = try YCSBSpec(YCSBProperties(name: "u", text: "readproportion=1\nrequestdistribution=uniform"))
        var chooser = KeyChooser(spec: uniform)
        var u = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 { u[chooser.next(&random, available: 10)] += 1 }
        #expect(u.allSatisfy { $0 > 800 && $0 < 1200 })
    }

    @Test func latestFavoursTheNewestRecords() throws {
        let spec = try YCSBSpec(YCSBProperties(name: "l", text: "readproportion=1\nrequestdistribution=latest"))
        var chooser = KeyChooser(spec: spec)
        var random = StressRandom(seed: 9)
        var newest = 0
        for _ in 0..<10_000 where chooser.next(&random, available: 2000) >= 1990 { newest += 1 }
        #expect(newest > 3000)
    }

    @Test func hotspotSendsMostRequestsToTheHotSet() throws {
        let spec = try YCSBSpec(
            YCSBProperties(name: "h", text: "readproportion=1\nrequestdistribution=hotspot\nhotspotdatafraction=0.1\nhotspotopnfraction=0.9"))
        var chooser = KeyChooser(spec: spec)
        var random = StressRandom(seed: 5)
        var hot = 0
        for _ in 0..<10_000 where chooser.next(&random, available: 1000) < 100 { hot += 1 }
        #expect(hot > 8500 && hot < 9500)
    }
}
