import Foundation
import StrataHTTP
import Testing

/// One sample line of the Prometheus text format: `name{labels} value`.
struct Sample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double

    /// Parses every non-comment, non-empty line of `text`; throws on the first that is not a sample.
    static func parseAll(_ text: String) throws -> [Sample] {
        try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { try parse(String($0)) }
    }

    static func parse(_ line: String) throws -> Sample {
        let pattern = #"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$"#
        let regex = try NSRegularExpression(pattern: pattern)
        let ns = line as NSString
        guard let m = regex.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) else {
            throw Failure("not a sample line: \(line.debugDescription)")
        }
        let name = ns.substring(with: m.range(at: 1))
        let valueText = ns.substring(with: m.range(at: 4))
        guard let value = valueText == "+Inf" ? .infinity : Double(valueText) else {
            throw Failure("bad value in \(line.debugDescription)")
        }
        var labels: [String: String] = [:]
        if m.range(at: 3).location != NSNotFound {
            let labelRegex = try NSRegularExpression(pattern: #"([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)"#)
            let body = ns.substring(with: m.range(at: 3))
            let b = body as NSString
            var covered = 0
            for lm in labelRegex.matches(in: body, range: NSRange(location: 0, length: b.length)) {
                guard lm.range.location == covered else { throw Failure("bad labels in \(line.debugDescription)") }
                labels[b.substring(with: lm.range(at: 1))] = b.substring(with: lm.range(at: 2))
                covered = lm.range.location + lm.range.length
            }
            guard covered == b.length else { throw Failure("bad labels in \(line.debugDescription)") }
        }
        return Sample(name: name, labels: labels, value: value)
    }
}

@Suite("metrics")
struct MetricsTests {
    @Test("the sample parser rejects lines that are not samples")
    func parserRejects() throws {
        #expect(throws: Failure.self) { try Sample.parse("requests 1 2") }
        #expect(throws: Failure.self) { try Sample.parse("requests{a=1} 2") }
        #expect(throws: Failure.self) { try Sample.parse("requests{a=\"1\" b=\"2\"} 2") }
        #expect(throws: Failure.self) { try Sample.parse("9lives 1") }
        #expect(throws: Failure.self) { try Sample.parse("x{a=\"1\"} one") }
        #expect(
            try Sample.parse("x{a=\"1\",b=\"q\\\"\"} 2.5")
                == Sample(name: "x", labels: ["a": "1", "b": "q\\\""], value: 2.5))
    }

    @Test("/metrics is Prometheus text with request, error, latency and store figures", arguments: backends)
    func exposition(backend: String) async throws {
        try await withServer(backend) { http, server in
            #expect(try await http.post("/collections", #"{"name": "m"}"#).status == 201)
            for _ in 0..<3 { #expect(try await http.post("/collections/m/query", "{}").status == 200) }
            #expect(try await http.post("/collections/m/query", "{oops").status == 400)
            #expect(try await http.post("/collections/none/query", "{}").status == 404)

            let reply = try await http.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.contentType?.hasPrefix("text/plain") == true)
            let samples = try Sample.parseAll(reply.text)
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                samples.first { sample in sample.name == name && labels.allSatisfy { k, v in sample.labels[k] == v } }?
                    .value
            }
            let queryRoute = try #require(
                samples.first {
                    $0.name == "strata_http_requests_total" && $0.labels["route"]?.contains("query") == true
                }
            )
            .labels["route"]!
            #expect(value("strata_http_requests_total", ["route": queryRoute, "method": "POST", "status": "200"]) == 3)
            #expect(value("strata_http_requests_total", ["route": queryRoute, "method": "POST", "status": "400"]) == 1)
            #expect(value("strata_http_requests_total", ["route": queryRoute, "method": "POST", "status": "404"]) == 1)
            #expect(value("strata_http_requests_total", ["method": "POST", "status": "201"]) == 1)
            #expect(value("strata_http_errors_total", ["code": "bad_request"]) == 1)
            #expect(value("strata_http_errors_total", ["code": "not_found"]) == 1)

            let buckets = samples.filter { $0.name == "strata_http_request_duration_seconds_bucket" }
            #expect(buckets.count == HTTPMetrics.latencyBuckets.count + 1)
            #expect(buckets.last?.labels["le"] == "+Inf")
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value }, "buckets are cumulative")
            let count = value("strata_http_request_duration_seconds_count")
            #expect(count == 6 && buckets.last?.value == count)
            #expect((value("strata_http_request_duration_seconds_sum") ?? -1) >= 0)

            #expect(value("strata_store_info", ["backend": backend]) == 1)
            #expect((value("strata_store_column_families", ["backend": backend]) ?? 0) >= 2)
            #expect(server.metrics.requestCount >= 6)
        }
    }
}
