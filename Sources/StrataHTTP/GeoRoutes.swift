import Hummingbird
import StrataDocument
import StrataSpatial

/// The moving-object endpoints over one tracker:
///
/// | method | path | input | answer |
/// |---|---|---|---|
/// | GET | `/geo/{ns}/nearby` | `?lat=&lon=&radius_m=&limit=` | location objects with `distance_m`, nearest first |
/// | PUT | `/geo/{ns}/objects/{id}` | `{"lat", "lon", "alt"?, "time"?, "data"?}` | `{"moved"}` |
/// | GET | `/geo/{ns}/objects/{id}` | — | a location object, or 404 |
///
/// A location object is `{"object", "lat", "lon", "alt"?, "time", "data"?}`
/// (time in epoch milliseconds), as in the wire protocol.
struct GeoRoutes: Sendable {
    let tracker: any ObjectTracker
    let worker: Worker

    func register(on router: Router<some RequestContext>) {
        router.get("/geo/:ns/nearby") { request, context in
            try await self.nearby(try context.parameters.require("ns"), request.uri.queryParameters)
        }
        router.put("/geo/:ns/objects/:id") { request, context in
            let body = try await RequestBody.collect(request, context)
            return try await self.upsert(
                try context.parameters.require("ns"), try context.parameters.require("id"), body)
        }
        router.get("/geo/:ns/objects/:id") { _, context in
            try await self.get(try context.parameters.require("ns"), try context.parameters.require("id"))
        }
    }

    func nearby(_ namespace: String, _ parameters: Parameters) async throws -> Response {
        let lat = try Self.double(parameters, "lat")
        let lon = try Self.double(parameters, "lon")
        let radius = try Self.double(parameters, "radius_m")
        var limit = Int.max
        if let text = parameters.get("limit") {
            guard let n = Int(text), n >= 0 else {
                throw APIError(
                    .badRequest,
                    "query parameter \"limit\" must be a non-negative integer, got \(text.debugDescription)")
            }
            limit = n
        }
        let center = try GeoPoint(latitude: lat, longitude: lon)
        let hits = try await worker.run { [tracker, limit] in
            try tracker.nearby(namespace: namespace, center: center, radiusMeters: radius, limit: limit)
        }
        return JSONResponse.json(
            .array(hits.map { Self.json($0.position, distance: $0.distanceMeters) }))
    }

    func upsert(_ namespace: String, _ object: String, _ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(of: body, allowed: ["lat", "lon", "alt", "time", "data"])
        func number(_ key: String, required: Bool) throws -> Double? {
            switch fields.document[key] {
            case nil, .null?:
                if required { throw APIError(.badRequest, "body field \(key.debugDescription) is required (a number)") }
                return nil
            case let v? where v.isNumber: return v.doubleValue
            case let other?:
                throw APIError(
                    .badRequest, "body field \(key.debugDescription) must be a number, found \(typeName(other))")
            }
        }
        let point = try GeoPoint(
            latitude: try number("lat", required: true)!, longitude: try number("lon", required: true)!,
            altitude: try number("alt", required: false))
        let time = try fields.int("time").map(Int64.init)
        var data: [String: String] = [:]
        for (key, value) in try fields.document("data") ?? Document() {
            guard case .string(let s) = value else {
                throw APIError(.badRequest, "body field \"data\".\(key) must be a string, found \(typeName(value))")
            }
            data[key] = s
        }
        let moved = try await worker.run { [tracker, data] in
            try tracker.upsert(namespace: namespace, object: object, point: point, time: time, data: data)
        }
        return JSONResponse.json(JSONResponse.object([("moved", .bool(moved))]))
    }

    func get(_ namespace: String, _ object: String) async throws -> Response {
        let position = try await worker.run { [tracker] in try tracker.get(namespace: namespace, object: object) }
        guard let position else {
            throw APIError(.notFound, "no object \(object.debugDescription) in namespace \(namespace.debugDescription)")
        }
        return JSONResponse.json(Self.json(position, distance: nil))
    }

    private static func double(_ parameters: Parameters, _ name: String) throws(APIError) -> Double {
        guard let text = parameters.get(name) else {
            throw APIError(.badRequest, "query parameter \(name.debugDescription) is required (a number)")
        }
        guard let value = Double(text) else {
            throw APIError(
                .badRequest, "query parameter \(name.debugDescription) must be a number, got \(text.debugDescription)")
        }
        return value
    }

    static func json(_ p: TrackedPosition, distance: Double?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("object", .string(p.object)),
            ("lat", ExtendedJSON.json(of: .double(p.point.latitude))),
            ("lon", ExtendedJSON.json(of: .double(p.point.longitude))),
        ]
        if let alt = p.point.altitude { members.append(("alt", ExtendedJSON.json(of: .double(alt)))) }
        members.append(("time", .number(String(p.time))))
        if !p.data.isEmpty {
            members.append(
                ("data", JSONResponse.object(p.data.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        if let distance { members.append(("distance_m", ExtendedJSON.json(of: .double(distance)))) }
        return JSONResponse.object(members)
    }
}
