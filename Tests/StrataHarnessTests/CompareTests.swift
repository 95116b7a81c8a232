import Foundation
import Testing

@testable import StrataHarness

@Suite("strata compare")
struct CompareTests {
    @Test func aReportComparedWithItselfShowsNoChange() throws {
        let report = sampleReport(repeats: [1000, 1010, 990, 1005, 995])
        let c = try Comparison(report, report, threshold: 5)
        #expect(!c.hasRegression)
        #expect(c.rows.count == 2)
        #expect(c.rows.allSatisfy { !$0.significant && $0.deltaPercent == 0 })
        #expect(c.render(nameA: "a", nameB: "a").contains("~"))
    }

    @Test func halvedRepeatsAreARegression() throws {
        let a = sampleReport(repeats: [1000, 1010, 990, 1005, 995])
        var b = a
        b.results[0].repeats = b.results[0].repeats.map { $0 / 2 }
        b.results[0].throughput /= 2
        let c = try Comparison(a, b, threshold: 5)
        #expect(c.hasRegression)
        let row = try #require(c.rows.first { $0.key.workload == "readrandom" })
        #expect(row.regression)
        #expect(abs(row.deltaPercent + 50) < 0.01)
        #expect((row.pValue ?? 1) <= 0.05)
        // The untouched result is not flagged.
        #expect(c.rows.first { $0.key.workload == "fillseq" }?.regression == false)
    }

    @Test func aSmallSlowdownWithinTheNoiseIsNotARegression() throws {
        let a = sampleReport(repeats: [1000, 1200, 800, 1100, 900])
        let b = sampleReport(repeats: [980, 1190, 790, 1080, 880])
        let c = try Comparison(a, b, threshold: 5)
        #expect(!c.hasRegression)
    }

    @Test func aFasterRunIsNotARegression() throws {
        let a = sampleReport(repeats: [1000, 1010, 990])
        let b = sampleReport(repeats: [2000, 2010, 1990])
        let c = try Comparison(a, b, threshold: 5)
        #expect(!c.hasRegression)
        #expect(c.rows[0].significant || c.rows[1].significant)
    }

    @Test func reportsOfDifferentConfigurationsAreRefused() throws {
        let a = sampleReport(repeats: [1000, 1010, 990], records: 1000)
        let b = sampleReport(repeats: [1000, 1010, 990], records: 2000)
        #expect(throws: HarnessError.self) { try Comparison(a, b, threshold: 5) }
        do {
            _ = try Comparison(a, b, threshold: 5)
        } catch let error as HarnessError {
            #expect(error.message.contains("records: 1000 vs 2000"))
        }
    }

    @Test func singleRepeatsAreJudgedByTheThresholdAlone() throws {
        let a = sampleReport(repeats: [1000], extraResult: false)
        let b = sampleReport(repeats: [900], extraResult: false)
        #expect(try Comparison(a, b, threshold: 5).hasRegression)
        #expect(try !Comparison(a, b, threshold: 15).hasRegression)
    }

    /// Exact values of the one-sided Mann-Whitney test, from its null distribution.
    @Test func mannWhitneyMatchesTheExactDistribution() {
        // 3 vs 3 fully separated: 1 arrangement of C(6,3) = 20.
        #expect(abs(Comparison.mannWhitneyLess([1, 2, 3], [4, 5, 6]) - 0.05) < 1e-12)
        // Reversed: every arrangement has U ≤ 9.
        #expect(Comparison.mannWhitneyLess([4, 5, 6], [1, 2, 3]) == 1)
        // 2 vs 2, one inversion: U = 1, P(U ≤ 1) = 2 / 6.
        #expect(abs(Comparison.mannWhitneyLess([1, 3], [2, 4]) - 2.0 / 6) < 1e-12)
        // 5 vs 5 separated: 1 / 252.
        #expect(abs(Comparison.mannWhitneyLess([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) - 1.0 / 252) < 1e-12)
    }
}
