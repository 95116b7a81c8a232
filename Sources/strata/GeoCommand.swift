import ArgumentParser
import Foundation
import StrataSpatial
import StrataStore

/// `strata geo`: track moving objects in a store (the `Tracker` of StrataSpatial).
///
/// Output is one JSON object per line:
/// `{"object","lat","lon","alt"?,"time","data"?,"distance_m"?}`.
///
/// Coordinates may be negative: positional arguments are collected without
/// option parsing, so `strata geo … nearby cars -33.9 151.2 500` works; `--`
/// before the positionals works too. Option values that are negative take
/// the `=` form: `--alt=-12`.
struct Geo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Track moving objects: positions, spatial queries and trajectories.",
        subcommands: [Upsert.self, Get.self, Delete.self, Nearby.self, BBox.self, Knn.self, PolygonQuery.self, Trajectory.self]
    )

    @OptionGroup var location: StoreLocation

    /// Opens store and tracker, runs `body`, closes both (flushing the tracker).
    /// Spatial errors become one-line failures.
    func withTracker(_ body: (any ObjectTracker) throws -> Void) throws {
        let store = try location.open()
        defer { try? store.close() }
        do {
            let tracker = try openTracker(store: store)
            defer { try? tracker.close() }
            try body(tracker)
            try tracker.close()
        } catch let error as SpatialError {
            throw CommandFailure(message: "\(error.code): \(error.message)")
        }
    }

    struct Upsert: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a position: NS OBJECT LAT LON.")
        @ParentCommand var geo: Geo
        @Option(help: "Altitude in metres (negative: --alt=-12).") var alt: Double?
        @Option(help: "Time in milliseconds since the Unix epoch (default: now).") var time: Int64?
        @Option(help: "Metadata: a JSON object of strings.") var data: String?
        @Argument(parsing: .allUnrecognized, help: "NS OBJECT LAT LON") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "OBJECT", "LAT", "LON"])
            let point = try makePoint(a.double(2), a.double(3), alt)
            let meta = try data.map(parseData) ?? [:]
            try geo.withTracker { t in
                try t.upsert(namespace: a[0], object: a[1], point: point, time: time, data: meta)
                if let p = try t.get(namespace: a[0], object: a[1]) { print(jsonLine(p)) }
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the current position of NS OBJECT; exit 1 when none.")
        @ParentCommand var geo: Geo
        @Argument(parsing: .allUnrecognized, help: "NS OBJECT") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "OBJECT"])
            try geo.withTracker { t in
                guard let p = try t.get(namespace: a[0], object: a[1]) else {
                    throw CommandFailure(message: "no position for '\(a[1])' in '\(a[0])'")
                }
                print(jsonLine(p))
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove NS OBJECT and its history; exit 1 when absent.")
        @ParentCommand var geo: Geo
        @Argument(parsing: .allUnrecognized, help: "NS OBJECT") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "OBJECT"])
            try geo.withTracker { t in
                guard try t.delete(namespace: a[0], object: a[1]) else {
                    throw CommandFailure(message: "no position for '\(a[1])' in '\(a[0])'")
                }
            }
        }
    }

    struct Nearby: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Objects within RADIUS_M metres, nearest first.")
        @ParentCommand var geo: Geo
        @Option(help: "At most this many.") var limit: Int?
        @Argument(parsing: .allUnrecognized, help: "NS LAT LON RADIUS_M") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "LAT", "LON", "RADIUS_M"])
            let center = try makePoint(a.double(1), a.double(2), nil)
            let radius = try a.double(3)
            try geo.withTracker { t in
                for hit in try t.nearby(namespace: a[0], center: center, radiusMeters: radius, limit: limit ?? .max) {
                    print(jsonLine(hit.position, distance: hit.distanceMeters))
                }
            }
        }
    }

    struct BBox: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bbox", abstract: "Objects inside a box (MIN_LON > MAX_LON crosses the antimeridian), by id.")
        @ParentCommand var geo: Geo
        @Argument(parsing: .allUnrecognized, help: "NS MIN_LAT MIN_LON MAX_LAT MAX_LON") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "MIN_LAT", "MIN_LON", "MAX_LAT", "MAX_LON"])
            let box = try spatial {
                try BoundingBox(
                    minLatitude: a.double(1), minLongitude: a.double(2), maxLatitude: a.double(3), maxLongitude: a.double(4))
            }
            try geo.withTracker { t in
                for p in try t.withinBoundingBox(namespace: a[0], box) { print(jsonLine(p)) }
            }
        }
    }

    struct Knn: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "knn", abstract: "The K nearest objects, nearest first.")
        @ParentCommand var geo: Geo
        @Argument(parsing: .allUnrecognized, help: "NS LAT LON K") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "LAT", "LON", "K"])
            let center = try makePoint(a.double(1), a.double(2), nil)
            guard let k = Int(a[3]) else { throw CommandFailure(message: "K '\(a[3])' is not an integer") }
            try geo.withTracker { t in
                for hit in try t.nearest(namespace: a[0], to: center, k: k) {
                    print(jsonLine(hit.position, distance: hit.distanceMeters))
                }
            }
        }
    }

    struct PolygonQuery: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "polygon", abstract: "Objects inside a polygon given as a JSON array of [lon, lat], by id.")
        @ParentCommand var geo: Geo
        @Argument(parsing: .allUnrecognized, help: "NS JSON") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "JSON"])
            guard let pairs = try? JSONSerialization.jsonObject(with: Data(a[1].utf8)) as? [[Double]] else {
                throw CommandFailure(message: "polygon '\(a[1])' is not a JSON array of [lon, lat] pairs")
            }
            let polygon = try spatial { try Polygon(lonLatExterior: pairs) }
            try geo.withTracker { t in
                for p in try t.withinPolygon(namespace: a[0], polygon) { print(jsonLine(p)) }
            }
        }
    }

    struct Trajectory: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The recorded updates of NS OBJECT, oldest first.")
        @ParentCommand var geo: Geo
        @Option(help: "Earliest time, ms (inclusive).") var from: Int64?
        @Option(help: "Latest time, ms (inclusive).") var to: Int64?
        @Option(help: "At most this many.") var limit: Int?
        @Argument(parsing: .allUnrecognized, help: "NS OBJECT") var values: [String] = []

        func run() throws {
            let a = try Positionals(values, ["NS", "OBJECT"])
            try geo.withTracker { t in
                let list = try t.trajectory(
                    namespace: a[0], object: a[1], from: from ?? .min, to: to ?? .max, limit: limit ?? .max)
                for p in list { print(jsonLine(p)) }
            }
        }
    }
}

/// Positional arguments checked for their count, with number parsing.
private struct Positionals {
    let values: [String]
    let names: [String]

    init(_ values: [String], _ names: [String]) throws {
        var given = values
        if let end = given.firstIndex(of: "--") { given.remove(at: end) }
        guard given.count == names.count else {
            throw CommandFailure(
                message: "expected \(names.count) arguments (\(names.joined(separator: " "))), got \(given.count)")
        }
        self.values = given
        self.names = names
    }

    subscript(i: Int) -> String { values[i] }

    func double(_ i: Int) throws -> Double {
        guard let d = Double(values[i]) else { throw CommandFailure(message: "\(names[i]) '\(values[i])' is not a number") }
        return d
    }
}

/// Runs `body`, turning a spatial error into a one-line failure.
private func spatial<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let error as SpatialError {
        throw CommandFailure(message: "\(error.code): \(error.message)")
    }
}

private func makePoint(_ lat: Double, _ lon: Double, _ alt: Double?) throws -> GeoPoint {
    try spatial { try GeoPoint(latitude: lat, longitude: lon, altitude: alt) }
}

private func parseData(_ text: String) throws -> [String: String] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
        throw CommandFailure(message: "--data '\(text)' is not a JSON object of strings")
    }
    return object
}

/// One output line, keys in a fixed order.
private func jsonLine(_ p: TrackedPosition, distance: Double? = nil) -> String {
    var parts = ["\"object\":\(jsonString(p.object))", "\"lat\":\(p.point.latitude)", "\"lon\":\(p.point.longitude)"]
    if let alt = p.point.altitude { parts.append("\"alt\":\(alt)") }
    parts.append("\"time\":\(p.time)")
    if !p.data.isEmpty {
        let fields = p.data.keys.sorted().map { "\(jsonString($0)):\(jsonString(p.data[$0]!))" }
        parts.append("\"data\":{\(fields.joined(separator: ","))}")
    }
    if let distance { parts.append("\"distance_m\":\(distance)") }
    return "{" + parts.joined(separator: ",") + "}"
}

private func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}
