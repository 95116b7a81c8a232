import Foundation

/// `strata compare A.json B.json`: pairs the results of two reports by
/// (suite, workload, backend, mode, threads) and says, for each pair, how
/// throughput changed from A to B and whether the change is beyond the noise
/// of the repeats.
///
/// A change is significant when a one-sided exact Mann-Whitney U test on the
/// repeats' throughputs gives p ≤ 0.05 (three repeats a side, fully separated,
/// is the smallest sample that can pass). With fewer than two repeats on a
/// side there is no noise estimate: the change is judged by the threshold
/// alone and marked `?`. Changes within the noise are marked `~`.
public struct Comparison: Sendable {
    public struct Row: Sendable {
        public var key: Report.ResultKey
        public var before: [Double]
        public var after: [Double]
        /// Relative change of the median throughput, in percent (negative: slower).
        public var deltaPercent: Double
        /// The one-sided p-value of "B is slower" (or "B is faster", in the direction of the change); nil without repeats.
        public var pValue: Double?
        public var significant: Bool
        /// A significant slowdown larger than the threshold.
        public var regression: Bool
    }

    public var rows: [Row]
    public var onlyInA: [Report.ResultKey]
    public var onlyInB: [Report.ResultKey]
    public var threshold: Double
    public var hasRegression: Bool { rows.contains { $0.regression } }

    /// The configuration fields that must match for two reports to be comparable.
    static func comparableConfig(_ c: Report.Config) -> [String: String] {
        var fields = [
            "records": String(c.records), "value_size": String(c.valueSize), "sync": String(c.sync),
        ]
        for key in ["documents", "objects", "key_size", "batch_size", "ops", "seconds", "target_rate"] {
            fields[key] = c.options[key] ?? "-"
        }
        for (k, v) in c.options where k.hasPrefix("ycsb.") || k.hasPrefix("tuning.") { fields[k] = v }
        return fields
    }

    /// Compares `a` (before) with `b` (after).
    /// - Throws: `HarnessError` when the configurations differ or no result pairs up.
    public init(_ a: Report, _ b: Report, threshold: Double) throws {
        let ca = Self.comparableConfig(a.config)
        let cb = Self.comparableConfig(b.config)
        if ca != cb {
            let diffs = Set(ca.keys).union(cb.keys).sorted().filter { ca[$0] != cb[$0] }
                .map { "\($0): \(ca[$0] ?? "-") vs \(cb[$0] ?? "-")" }
            throw HarnessError("the reports ran different configurations (\(diffs.joined(separator: ", "))); refusing to compare")
        }
        self.threshold = threshold
        let inB = Dictionary(b.results.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let inA = Dictionary(a.results.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        rows = []
        for ra in a.results.sorted(by: { $0.key < $1.key }) {
            guard let rb = inB[ra.key] else { continue }
            let before = ra.repeats.isEmpty ? [ra.throughput] : ra.repeats
            let after = rb.repeats.isEmpty ? [rb.throughput] : rb.repeats
            let ma = median(before)
            let mb = median(after)
            let delta = ma > 0 ? (mb - ma) / ma * 100 : 0
            var p: Double?
            var significant: Bool
            if before.count >= 2 && after.count >= 2 {
                let pv = delta < 0 ? Self.mannWhitneyLess(after, before) : Self.mannWhitneyLess(before, after)
                p = pv
                significant = pv <= 0.05
            } else {
                significant = abs(delta) > threshold
            }
            if ma == mb { significant = false }
            rows.append(
                Row(
                    key: ra.key, before: before, after: after, deltaPercent: delta, pValue: p, significant: significant,
                    regression: significant && delta < -threshold))
        }
        onlyInA = a.results.map(\.key).filter { inB[$0] == nil }.sorted()
        onlyInB = b.results.map(\.key).filter { inA[$0] == nil }.sorted()
        guard !rows.isEmpty else { throw HarnessError("no result of one report pairs with a result of the other") }
    }

    /// The one-sided exact p-value that samples `x` come from a distribution
    /// stochastically smaller than `y`'s: P(U ≤ u) under the null, where u counts
    /// the pairs with x > y (ties count half).
    static func mannWhitneyLess(_ x: [Double], _ y: [Double]) -> Double {
        var u = 0.0
        for a in x { for b in y { u += a > b ? 1 : (a == b ? 0.5 : 0) } }
        let n = x.count
        let m = y.count
        if n + m > 40 {
            let mu = Double(n * m) / 2
            let sigma = (Double(n * m * (n + m + 1)) / 12).squareRoot()
            let z = (u + 0.5 - mu) / sigma
            return 0.5 * erfc(-z / 2.0.squareRoot())
        }
        // counts[k][j][s]: ways to arrange k of x and j of y with U = s; built incrementally.
        let maxU = n * m
        var table = [[[Double]]](
            repeating: [[Double]](repeating: [Double](repeating: 0, count: maxU + 1), count: m + 1), count: n + 1)
        for k in 0...n { for j in 0...m where k == 0 || j == 0 { table[k][j][0] = 1 } }
        if n > 0 && m > 0 {
            for k in 1...n {
                for j in 1...m {
                    for s in 0...maxU {
                        // The largest element is an x (it beats all j y's) or a y (adds nothing).
                        var ways = table[k][j - 1][s]
                        if s >= j { ways += table[k - 1][j][s - j] }
                        table[k][j][s] = ways
                    }
                }
            }
        }
        let all = table[n][m].reduce(0, +)
        let limit = Int(u.rounded(.down))
        var below = 0.0
        for s in 0...min(limit, maxU) { below += table[n][m][s] }
        return all > 0 ? below / all : 1
    }

    /// The comparison as text, one line per pair.
    public func render(nameA: String, nameB: String) -> String {
        var out = "A = \(nameA)\nB = \(nameB)\nthreshold \(String(format: "%.1f", threshold))% (regression: significantly slower by more than that)\n\n"
        func spread(_ v: [Double]) -> String {
            guard v.count > 1, let lo = v.min(), let hi = v.max(), median(v) > 0 else { return "" }
            return String(format: " ±%.1f%%", (hi - lo) / 2 / median(v) * 100)
        }
        for r in rows {
            let mark = r.regression ? "REGRESSION" : (r.pValue == nil ? (r.significant ? "? changed (no repeats)" : "? (no repeats)") : (r.significant ? "changed" : "~"))
            let p = r.pValue.map { String(format: " p=%.3f", $0) } ?? ""
            out += "\(r.key.description.padding(toLength: 48, withPad: " ", startingAt: 0)) \(humanRate(median(r.before)))\(spread(r.before)) → \(humanRate(median(r.after)))\(spread(r.after))  \(String(format: "%+.1f%%", r.deltaPercent))  \(mark)\(p)\n"
        }
        if !onlyInA.isEmpty { out += "\nonly in A: " + onlyInA.map(\.description).joined(separator: ", ") + "\n" }
        if !onlyInB.isEmpty { out += "only in B: " + onlyInB.map(\.description).joined(separator: ", ") + "\n" }
        let regressions = rows.filter(\.regression).count
        out += "\n\(rows.count) paired result(s), \(regressions) regression(s)\n"
        return out
    }
}
