import Foundation

/// `report.html`: one self-contained file (inline CSS and SVG, no script, no
/// network) with, per suite, a bar chart of throughput per backend and mode,
/// latency-percentile curves and throughput over time for each workload.
public enum HTMLReport {
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public static func render(_ report: Report) -> String {
        let s = ReportSummary(report: report)
        let targets = s.targets
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Strata benchmark \(escape(report.id))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
            h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
            h3{font-size:15px;margin:18px 0 6px}
            .grid{display:flex;flex-wrap:wrap;gap:12px}.cell{border:1px solid #eee;padding:6px}
            .legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
            table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
            svg text{font:11px system-ui,sans-serif}
            </style></head><body>
            <h1>Strata benchmark \(escape(report.id))</h1>
            <p>\(escape(report.created)) · \(report.environment.cpus) × \(escape(report.environment.cpuModel)) · \(escape(report.environment.os))\(report.environment.allocator.map { " · \(escape($0))" } ?? "") · commit \(escape(report.environment.gitCommit)) · \(report.config.records) records, \(report.config.valueSize) B values, sync \(report.config.sync ? "on" : "off")</p>

            """
        html += "<div class=\"legend\">" + targets.enumerated().map { i, t in
            "<span><i style=\"background:\(palette[i % palette.count])\"></i>\(escape(t))</span>"
        }.joined() + "</div>\n"
        for suite in s.suites {
            html += "<h2 id=\"suite-\(suite)\">\(escape(suite))</h2>\n<h3>Throughput (ops/s)</h3>\n"
            html += barChart(s, suite: suite, targets: targets)
            html += "<h3>Latency percentiles (µs, log scale)</h3>\n<div class=\"grid\">\n"
            for row in s.rows(suite) {
                let series = targets.enumerated().compactMap { i, t -> (Int, [(Double, Double)])? in
                    guard let r = s.result(suite, row.workload, row.threads, t), let curve = r.latencyCurve, !curve.isEmpty
                    else { return nil }
                    return (i, curve.map { (nines($0.percentile), $0.micros) })
                }
                html += "<div class=\"cell\"><b>\(escape(row.workload))</b> t\(row.threads)<br>"
                html += lineChart(series, logY: true, xLabels: [(0, "0"), (1, "90"), (2, "99"), (3, "99.9"), (4, "99.99")]) + "</div>\n"
            }
            html += "</div>\n<h3>Throughput over time (ops/s in each 100 ms of the run)</h3>\n<div class=\"grid\">\n"
            for row in s.rows(suite) {
                let series = targets.enumerated().compactMap { i, t -> (Int, [(Double, Double)])? in
                    guard let r = s.result(suite, row.workload, row.threads, t), let line = r.timeline, !line.isEmpty
                    else { return nil }
                    return (i, line.enumerated().map { (Double($0.offset) / 10, Double($0.element)) })
                }
                html += "<div class=\"cell\"><b>\(escape(row.workload))</b> t\(row.threads)<br>"
                html += lineChart(series, logY: false, xLabels: nil) + "</div>\n"
            }
            html += "</div>\n"
        }
        html += "<h2>All results</h2>\n<table><tr><th>suite/workload</th><th>backend</th><th>mode</th><th>threads</th><th>ops/s</th><th>p50</th><th>p99</th><th>p99.9</th><th>errors</th></tr>\n"
        for r in report.results {
            let l = r.latencyMicros
            html += "<tr><td>\(escape(r.suite))/\(escape(r.workload))</td><td>\(escape(r.backend))</td><td>\(escape(r.mode))</td><td>\(r.threads)</td><td>\(humanRate(r.throughput))</td><td>\(micros(l.p50))</td><td>\(micros(l.p99))</td><td>\(micros(l.p999))</td><td>\(r.errors)</td></tr>\n"
        }
        html += "</table>\n</body></html>\n"
        return html
    }

    /// Percentile → "nines" (0 → 0, 90 → 1, 99 → 2, …), the usual x axis of latency curves.
    static func nines(_ p: Double) -> Double {
        p >= 100 ? 4.5 : min(4.5, -log10(max(1e-5, 1 - p / 100)))
    }

    /// Horizontal grouped bars: one group per workload, one bar per target.
    static func barChart(_ s: ReportSummary, suite: String, targets: [String]) -> String {
        let rows = s.rows(suite)
        let barHeight = 9.0
        let groupHeight = Double(targets.count) * barHeight + 8
        let left = 190.0
        let width = 560.0
        let height = Double(rows.count) * groupHeight + 24
        let maxValue = rows.flatMap { row in targets.compactMap { s.result(suite, row.workload, row.threads, $0)?.throughput } }.max() ?? 1
        var svg = "<svg width=\"\(Int(left + width + 70))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"throughput of the \(escape(suite)) suite\">\n"
        for (gi, row) in rows.enumerated() {
            let y0 = Double(gi) * groupHeight + 4
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(f(y0 + groupHeight / 2))\" text-anchor=\"end\">\(escape(row.workload)) t\(row.threads)</text>\n"
            for (ti, t) in targets.enumerated() {
                guard let r = s.result(suite, row.workload, row.threads, t) else { continue }
                let w = maxValue > 0 ? r.throughput / maxValue * width : 0
                let y = y0 + Double(ti) * barHeight
                svg += "<rect x=\"\(Int(left))\" y=\"\(f(y))\" width=\"\(f(max(w, 0.5)))\" height=\"\(f(barHeight - 1))\" fill=\"\(palette[ti % palette.count])\"><title>\(escape(t)): \(humanRate(r.throughput)) ops/s</title></rect>\n"
                svg += "<text x=\"\(f(left + w + 3))\" y=\"\(f(y + barHeight - 1.5))\">\(humanRate(r.throughput))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// A small line chart; each series is (palette index, points).
    static func lineChart(_ series: [(Int, [(Double, Double)])], logY: Bool, xLabels: [(Double, String)]?) -> String {
        let w = 300.0, h = 170.0, l = 46.0, b = 22.0, t = 6.0, r = 8.0
        let points = series.flatMap(\.1)
        guard !points.isEmpty else { return "<svg width=\"300\" height=\"30\"><text x=\"4\" y=\"18\">no data</text></svg>" }
        let xs = points.map(\.0)
        let ys = points.map { logY ? log10(max($0.1, 0.01)) : $0.1 }
        let minX = xs.min()!, maxX = max(xs.max()!, minX + 1)
        let minY = logY ? floor(ys.min()!) : 0, maxY = max(logY ? ceil(ys.max()!) : ys.max()! * 1.1, minY + 1)
        func px(_ x: Double) -> Double { l + (x - minX) / (maxX - minX) * (w - l - r) }
        func py(_ y: Double) -> Double { h - b - ((logY ? log10(max(y, 0.01)) : y) - minY) / (maxY - minY) * (h - b - t) }
        var svg = "<svg width=\"\(Int(w))\" height=\"\(Int(h))\">\n"
        svg += "<line x1=\"\(l)\" y1=\"\(h - b)\" x2=\"\(w - r)\" y2=\"\(h - b)\" stroke=\"#999\"/><line x1=\"\(l)\" y1=\"\(t)\" x2=\"\(l)\" y2=\"\(h - b)\" stroke=\"#999\"/>\n"
        if logY {
            var e = minY
            while e <= maxY {
                let y = h - b - (e - minY) / (maxY - minY) * (h - b - t)
                svg += "<text x=\"\(l - 3)\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(humanRate(pow(10, e)))</text>\n"
                e += 1
            }
        } else {
            for frac in [0.0, 0.5, 1.0] {
                let v = minY + frac * (maxY - minY)
                svg += "<text x=\"\(l - 3)\" y=\"\(f(h - b - frac * (h - b - t) + 4))\" text-anchor=\"end\">\(humanRate(v))</text>\n"
            }
        }
        for (x, label) in xLabels ?? [(minX, "0 s"), (maxX, String(format: "%.1f s", maxX))] {
            svg += "<text x=\"\(f(px(x)))\" y=\"\(h - 6)\" text-anchor=\"middle\">\(label)</text>\n"
        }
        for (i, pts) in series {
            let path = pts.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(palette[i % palette.count])\" stroke-width=\"1.6\" points=\"\(path)\"/>\n"
        }
        return svg + "</svg>"
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
