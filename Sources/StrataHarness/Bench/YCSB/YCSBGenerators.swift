import Foundation

/// YCSB's Zipfian generator (Gray et al., "Quickly generating billion-record
/// synthetic databases"), constant 0.99, over items `0..<n`. The item count may
/// grow (for `latest`); zeta is then extended incrementally, as YCSB does.
struct ZipfianGenerator {
    static let theta = 0.99
    private(set) var items: Int
    private var zetan: Double
    private let zeta2: Double
    private let alpha: Double
    private var eta: Double

    /// `zetan`, when given, is the precomputed zeta of `items` (YCSB's constant for its scrambled generator).
    init(items: Int, zetan known: Double? = nil) {
        self.items = max(1, items)
        zeta2 = Self.zeta(from: 0, to: 2, initial: 0)
        alpha = 1 / (1 - Self.theta)
        zetan = known ?? Self.zeta(from: 0, to: self.items, initial: 0)
        eta = 0
        eta = computeEta()
    }

    /// Σ 1/i^θ for i in (from, to].
    static func zeta(from: Int, to: Int, initial: Double) -> Double {
        var sum = initial
        var i = from
        while i < to {
            sum += 1 / pow(Double(i + 1), theta)
            i += 1
        }
        return sum
    }

    private func computeEta() -> Double {
        (1 - pow(2 / Double(items), 1 - Self.theta)) / (1 - zeta2 / zetan)
    }

    /// The next item, `u` uniform in [0, 1); small items are the most frequent.
    mutating func next(_ u: Double, items newItems: Int? = nil) -> Int {
        if let newItems, newItems > items {
            zetan = Self.zeta(from: items, to: newItems, initial: zetan)
            items = newItems
            eta = computeEta()
        }
        let uz = u * zetan
        if uz < 1 { return 0 }
        if uz < 1 + pow(0.5, Self.theta) { return min(1, items - 1) }
        return min(items - 1, Int(Double(items) * pow(eta * u - eta + 1, alpha)))
    }
}

/// Picks the record of each read, update and scan as `requestdistribution` asks.
struct KeyChooser {
    let spec: YCSBSpec
    private var zipfian: ZipfianGenerator?
    /// YCSB's scrambled Zipfian (`ScrambledZipfianGenerator`) draws from 10^10
    /// items, whose zeta it hard-codes, and hashes the draw into the record
    /// range, so the popular records are spread over the key space.
    private static let scrambledItems = 10_000_000_000
    private static let scrambledZetan = 26.46902820178302

    init(spec: YCSBSpec) {
        self.spec = spec
        switch spec.distribution {
        case .zipfian: zipfian = ZipfianGenerator(items: Self.scrambledItems, zetan: Self.scrambledZetan)
        case .latest: zipfian = ZipfianGenerator(items: spec.recordCount)
        default: zipfian = nil
        }
    }

    /// A record among the `available` ones (the load plus acknowledged inserts).
    mutating func next(_ random: inout StressRandom, available: Int) -> Int {
        let n = max(1, available)
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        switch spec.distribution {
        case .uniform:
            return Int(random.next() % UInt64(n))
        case .zipfian:
            let rank = zipfian!.next(unit())
            return Int(YCSBHash.fnv64(UInt64(rank)) % UInt64(n))
        case .latest:
            let back = zipfian!.next(unit(), items: n)
            return n - 1 - back
        case .hotspot:
            let hot = max(1, Int(Double(n) * spec.hotspotDataFraction))
            if unit() < spec.hotspotOpnFraction || hot == n { return Int(random.next() % UInt64(hot)) }
            return hot + Int(random.next() % UInt64(n - hot))
        }
    }
}
