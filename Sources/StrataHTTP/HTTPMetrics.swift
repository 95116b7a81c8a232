import Synchronization

/// The HTTP server's counters, rendered as Prometheus text exposition
/// (version 0.0.4) at `GET /metrics`.
///
/// ```
/// strata_http_requests_total{method="POST",route="/collections/{c}/query",status="200"} 12
/// strata_http_errors_total{code="bad_request"} 3
/// strata_http_request_duration_seconds_bucket{le="0.005"} 10
/// …
/// strata_store_column_families{backend="trie"} 4
/// ```
///
/// Updated from any thread; one mutex guards every counter.
public final class HTTPMetrics: Sendable {
    /// The upper bounds (seconds) of the latency histogram's buckets; `+Inf` follows.
    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    private struct RequestKey: Hashable, Comparable {
        var method: String
        var route: String
        var status: Int
        static func < (a: Self, b: Self) -> Bool {
            (a.route, a.method, a.status) < (b.route, b.method, b.status)
        }
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var errors: [String: Int] = [:]
        var bucketCounts = [Int](repeating: 0, count: HTTPMetrics.latencyBuckets.count)
        var latencyCount = 0
        var latencySum = 0.0
        var inFlight = 0
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    /// Zeroed counters.
    public init() {}

    /// Requests answered so far, over every route and status.
    public var requestCount: Int { state.withLock { $0.requests.values.reduce(0, +) } }
    /// Error responses (status 400 and up) answered so far.
    public var errorCount: Int { state.withLock { $0.errors.values.reduce(0, +) } }

    /// Counts a request that has begun.
    func requestStarted() { state.withLock { $0.inFlight += 1 } }

    /// Records one answered request.
    func record(method: String, route: String, status: Int, errorCode: String?, seconds: Double) {
        state.withLock { s in
            s.inFlight -= 1
            s.requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
            if let errorCode { s.errors[errorCode, default: 0] += 1 }
            s.latencyCount += 1
            s.latencySum += seconds
            if let i = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) { s.bucketCounts[i] += 1 }
        }
    }

    /// The Prometheus text of every counter, plus the store figures given.
    func exposition(backend: String, columnFamilies: Int?) -> String {
        let s = state.withLock { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)] = [], _ value: String) {
            let rendered = labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
            out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(rendered)} \(value)\n"
        }

        family("strata_http_requests_total", "counter", "HTTP requests answered, by route, method and status.")
        for key in s.requests.keys.sorted() {
            sample(
                "strata_http_requests_total",
                [("method", key.method), ("route", key.route), ("status", String(key.status))],
                String(s.requests[key]!))
        }
        family("strata_http_errors_total", "counter", "HTTP requests answered with an error, by error code.")
        if s.errors.isEmpty { sample("strata_http_errors_total", [("code", "none")], "0") }
        for code in s.errors.keys.sorted() {
            sample("strata_http_errors_total", [("code", code)], String(s.errors[code]!))
        }
        family("strata_http_request_duration_seconds", "histogram", "Time from request head to response.")
        var cumulative = 0
        for (bound, count) in zip(Self.latencyBuckets, s.bucketCounts) {
            cumulative += count
            sample("strata_http_request_duration_seconds_bucket", [("le", format(bound))], String(cumulative))
        }
        sample("strata_http_request_duration_seconds_bucket", [("le", "+Inf")], String(s.latencyCount))
        sample("strata_http_request_duration_seconds_sum", [], format(s.latencySum))
        sample("strata_http_request_duration_seconds_count", [], String(s.latencyCount))
        family("strata_http_requests_in_flight", "gauge", "HTTP requests being answered now.")
        sample("strata_http_requests_in_flight", [], String(s.inFlight))
        family("strata_http_uptime_seconds", "gauge", "Seconds since the HTTP server started.")
        let uptime = ContinuousClock.now - started
        sample(
            "strata_http_uptime_seconds", [],
            format(Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18))
        family("strata_store_info", "gauge", "The store's backend (always 1).")
        sample("strata_store_info", [("backend", backend)], "1")
        if let columnFamilies {
            family("strata_store_column_families", "gauge", "Column families in the store.")
            sample("strata_store_column_families", [("backend", backend)], String(columnFamilies))
        }
        return out
    }

    private func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    /// Escapes a label value: backslash, double quote and newline.
    private func escape(_ s: String) -> String {
        s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"").replacingOccurrences("\n", "\\n")
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
