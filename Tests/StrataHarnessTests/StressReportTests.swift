import Foundation
import StrataHarness
import Testing

@Suite("Stress report and command line")
struct StressReportTests {
    @Test func reportHasOneRowPerCheckAndBackend() throws {
        try withTemporaryDirectory { dir in
            var options = smallOptions(backends: allBackends, out: dir)
            options.records = 300
            options.checks = ["load-verify", "ordered-scan", "reopen-verify"]
            let report = try StressRunner(options: options).run()
            #expect(report.checks.count == 3 * allBackends.count)
            let json = try JSONSerialization.jsonObject(with: ReportJSON.encode(report)) as! [String: Any]
            let rows = json["checks"] as! [[String: Any]]
            let markdown = StressMarkdown.render(report)
            for backend in allBackends {
                for name in options.checks! {
                    #expect(
                        rows.filter { $0["name"] as? String == name && $0["backend"] as? String == backend }.count == 1)
                    #expect(
                        markdown.components(separatedBy: "| \(name) | \(backend) | pass |").count == 2,
                        "markdown row \(name) × \(backend)")
                }
            }
            let load = try #require(report.checks.first { $0.name == "load-verify" })
            #expect(load.figures["write_records_per_s"] != nil && load.figures["verify_records_per_s"] != nil)
        }
    }

    func strata(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strataExecutable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func badArgumentsExitTwoWithOneLineNamingTheValidOnes() throws {
        let backend = try strata(["stress", "--backend", "nope"])
        #expect(backend.status == 2)
        #expect(backend.stderr.split(separator: "\n").count == 1)
        #expect(allBackends.allSatisfy { backend.stderr.contains($0) })
        let fault = try strata(["stress", "--inject", "gremlins"])
        #expect(fault.status == 2)
        #expect(fault.stderr.contains("drop-writes") && fault.stderr.contains("crash-before-sync"))
    }

    @Test func commandWritesBothReportsAndExitsOneOnAViolation() throws {
        try withTemporaryDirectory { dir in
            let pass = try strata([
                "stress", "--backend", "trie", "--records", "200", "--check", "load-verify", "--out", dir + "/ok",
                "--seed", "3",
            ])
            #expect(pass.status == 0, "\(pass.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/ok/report.json"))
            #expect(FileManager.default.fileExists(atPath: dir + "/ok/report.md"))
            let fail = try strata([
                "stress", "--backend", "trie", "--records", "2000", "--check", "load-verify", "--inject", "drop-writes",
                "--out", dir + "/bad", "--seed", "3",
            ])
            #expect(fail.status == 1)
            #expect(fail.stderr.contains("load-verify on trie"))
        }
    }
}
