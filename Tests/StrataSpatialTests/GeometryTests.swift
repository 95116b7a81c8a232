import Foundation
import Testing

@testable import StrataSpatial

@Suite("Geometry")
struct GeometryTests {
    @Test(arguments: [
        (91.0, 0.0, "latitude 91.0"), (-90.5, 0.0, "latitude -90.5"), (0.0, 180.5, "longitude 180.5"),
        (0.0, -181.0, "longitude -181.0"), (Double.nan, 0.0, "latitude nan"), (0.0, Double.infinity, "longitude inf"),
        (-Double.infinity, 0.0, "latitude -inf"),
    ])
    func badCoordinatesAreRejectedNamingTheValue(latitude: Double, longitude: Double, named: String) {
        do {
            _ = try GeoPoint(latitude: latitude, longitude: longitude)
            Issue.record("accepted \(latitude), \(longitude)")
        } catch {
            #expect(error.code == .invalidCoordinate)
            #expect(error.message.contains(named), "\(error.message)")
        }
    }

    @Test func nonFiniteAltitudeIsRejected() {
        #expect(throws: SpatialError.self) { try GeoPoint(latitude: 0, longitude: 0, altitude: .nan) }
        #expect(throws: Never.self) { try GeoPoint(latitude: 90, longitude: -180, altitude: -12) }
    }

    @Test(arguments: [0.0, -1.0, Double.nan, Double.infinity, 20_016_000.0])
    func badRadiiAreRejectedNamingTheValue(radius: Double) throws {
        let center = try GeoPoint(latitude: 0, longitude: 0)
        do {
            _ = try Haversine.coveringBox(center: center, radiusMeters: radius)
            Issue.record("accepted radius \(radius)")
        } catch {
            #expect(error.code == .invalidRadius)
            #expect(error.message.contains("\(radius)"), "\(error.message)")
        }
    }

    @Test func haversineKnownDistances() throws {
        let paris = try GeoPoint(latitude: 48.8566, longitude: 2.3522)
        let london = try GeoPoint(latitude: 51.5074, longitude: -0.1278)
        #expect(abs(Haversine.distance(paris, london) - 343_923) < 500)
        let a = try GeoPoint(latitude: 0, longitude: 179.9)
        let b = try GeoPoint(latitude: 0, longitude: -179.9)
        #expect(abs(Haversine.distance(a, b) - 0.2 * Double.pi / 180 * Haversine.earthRadiusMeters) < 1e-3)
        let north = try GeoPoint(latitude: 90, longitude: 0)
        let north2 = try GeoPoint(latitude: 90, longitude: 123)
        #expect(Haversine.distance(north, north2) < 1e-6)
    }

    /// The haversine term's own sine (a polynomial below 1/16) stays within
    /// an ulp of the library's, over every magnitude a query meets; at and
    /// above 1/16 it is the library's.
    @Test func haversineSineMatchesTheLibrary() {
        var rng = SplitMix64(seed: 51)
        var worst = 0.0
        for i in 0..<200_000 {
            let magnitude =
                i % 2 == 0
                ? Double.random(in: 0..<0.0625, using: &rng) : 0.0625 * pow(2, -Double.random(in: 0..<40, using: &rng))
            let x = Bool.random(using: &rng) ? magnitude : -magnitude
            let ulps = abs(Haversine.sine(x) - sin(x)) / sin(x).ulp
            worst = max(worst, ulps)
        }
        #expect(worst <= 1, "worst difference \(worst) ulp")
        #expect(Haversine.sine(0) == 0)
        for x in [0.0625, -0.0625, 0.5, 1.5, 3.1] { #expect(Haversine.sine(x) == sin(x)) }
    }

    /// The central angle's own arcsine (a series below 1/16) stays within an
    /// ulp of the library's; at and above 1/16 it is the library's.
    @Test func haversineArcsineMatchesTheLibrary() {
        var rng = SplitMix64(seed: 52)
        var worst = 0.0
        for i in 0..<200_000 {
            let x =
                i % 2 == 0
                ? Double.random(in: 0..<0.0625, using: &rng) : 0.0625 * pow(2, -Double.random(in: 0..<40, using: &rng))
            worst = max(worst, abs(Haversine.arcsine(x) - asin(x)) / asin(x).ulp)
        }
        #expect(worst <= 1, "worst difference \(worst) ulp")
        #expect(Haversine.arcsine(0) == 0)
        for x in [0.0625, 0.3, 0.99, 1.0] { #expect(Haversine.arcsine(x) == asin(x)) }
    }

    @Test func boundingBoxWrapsAcrossTheAntimeridian() throws {
        let box = try BoundingBox(minLatitude: -10, minLongitude: 170, maxLatitude: 10, maxLongitude: -170)
        #expect(box.wrapsAntimeridian)
        #expect(box.contains(try GeoPoint(latitude: 0, longitude: 175)))
        #expect(box.contains(try GeoPoint(latitude: 0, longitude: -175)))
        #expect(box.contains(try GeoPoint(latitude: 0, longitude: 180)))
        #expect(!box.contains(try GeoPoint(latitude: 0, longitude: 0)))
        #expect(box.nonWrappingParts.count == 2)
        let east = try BoundingBox(minLatitude: -1, minLongitude: 175, maxLatitude: 1, maxLongitude: 180)
        let west = try BoundingBox(minLatitude: -1, minLongitude: -180, maxLatitude: 1, maxLongitude: -175)
        #expect(box.intersects(east) && east.intersects(box))
        #expect(east.intersects(west), "the boxes meet on the ±180 seam")
        #expect(west.contains(try GeoPoint(latitude: 0, longitude: 180)))
        let far = try BoundingBox(minLatitude: -1, minLongitude: 0, maxLatitude: 1, maxLongitude: 10)
        #expect(!box.intersects(far))
        #expect(throws: SpatialError.self) {
            try BoundingBox(minLatitude: 10, minLongitude: 0, maxLatitude: -10, maxLongitude: 1)
        }
    }

    @Test func coveringBoxNearThePoleCoversAllLongitudes() throws {
        let center = try GeoPoint(latitude: 89.95, longitude: 30)
        let box = try Haversine.coveringBox(center: center, radiusMeters: 10_000)
        #expect(box.minLongitude == -180 && box.maxLongitude == 180 && box.maxLatitude == 90)
    }

    @Test func coveringBoxAcrossTheAntimeridianWraps() throws {
        let center = try GeoPoint(latitude: 10, longitude: 179.99)
        let box = try Haversine.coveringBox(center: center, radiusMeters: 5_000)
        #expect(box.wrapsAntimeridian)
        #expect(box.contains(try GeoPoint(latitude: 10, longitude: -179.99)))
    }

    @Test func coveringBoxContainsEveryPointWithinTheRadius() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let center = rng.point()
            let radius = rng.radius()
            let box = try Haversine.coveringBox(center: center, radiusMeters: radius)
            for _ in 0..<50 {
                let p = rng.point(near: center, spreadDegrees: radius / 111_000 * 1.2)
                if Haversine.distance(center, p) <= radius {
                    #expect(box.contains(p), "center \(center) radius \(radius) point \(p) box \(box)")
                }
            }
        }
    }

    @Test func polygonContainsWithHoles() throws {
        let square = try Polygon(
            lonLatExterior: [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], holes: [[[4, 4], [6, 4], [6, 6], [4, 6]]])
        #expect(square.contains(try GeoPoint(latitude: 2, longitude: 2)))
        #expect(!square.contains(try GeoPoint(latitude: 5, longitude: 5)))
        #expect(!square.contains(try GeoPoint(latitude: 11, longitude: 5)))
    }

    @Test func polygonAcrossTheAntimeridian() throws {
        let p = try Polygon(lonLatExterior: [[170, -5], [-170, -5], [-170, 5], [170, 5]])
        #expect(p.contains(try GeoPoint(latitude: 0, longitude: 179)))
        #expect(p.contains(try GeoPoint(latitude: 0, longitude: -175)))
        #expect(p.contains(try GeoPoint(latitude: 0, longitude: 180)))
        #expect(!p.contains(try GeoPoint(latitude: 0, longitude: 0)))
        #expect(!p.contains(try GeoPoint(latitude: 0, longitude: 160)))
        #expect(p.boundingBox.wrapsAntimeridian)
    }

    @Test(arguments: [
        [[0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]],
        [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], [],
    ])
    func degeneratePolygonsAreRejected(ring: [[Double]]) {
        do {
            _ = try Polygon(lonLatExterior: ring)
            Issue.record("accepted \(ring)")
        } catch {
            #expect(error.code == .degeneratePolygon)
            #expect(error.message.contains("degenerate polygon"))
        }
    }

    @Test func polygonWithBadCoordinateNamesIt() {
        do {
            _ = try Polygon(lonLatExterior: [[0, 0], [200, 0], [1, 1]])
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidCoordinate)
            #expect(error.message.contains("200"))
        }
    }
}
