import Foundation

/// Reads and writes reports as JSON.
public enum ReportJSON {
    public static func encode(_ report: Report) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(report)
    }

    /// Decodes a report, refusing other schemas with a message naming the one found.
    public static func decode(_ data: Data) throws -> Report {
        let report = try JSONDecoder().decode(Report.self, from: data)
        guard report.schema == Report.schemaName else {
            throw HarnessError("unsupported report schema '\(report.schema)', expected '\(Report.schemaName)'")
        }
        return report
    }
}

/// The harness's error: one line that says what went wrong.
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A run id from the current UTC time, e.g. `20261122T043000Z`.
public func makeRunID(_ date: Date = Date()) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    return f.string(from: date)
}

/// ISO 8601 in UTC.
public func iso8601(_ date: Date = Date()) -> String {
    ISO8601DateFormatter().string(from: date)
}
