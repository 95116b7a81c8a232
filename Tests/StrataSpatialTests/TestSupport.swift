@testable import StrataSpatial

/// A small seeded generator (SplitMix64) so failures can be replayed from the printed seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A point from a mix of regions: anywhere, the antimeridian, both poles, the equator, exact edges.
    mutating func point() -> GeoPoint {
        let lat: Double
        let lon: Double
        switch Int.random(in: 0..<8, using: &self) {
        case 0: (lat, lon) = (Double.random(in: -5...5, using: &self), Double.random(in: 179...180, using: &self))
        case 1: (lat, lon) = (Double.random(in: -5...5, using: &self), Double.random(in: -180 ... -179, using: &self))
        case 2: (lat, lon) = (Double.random(in: 89.9...90, using: &self), Double.random(in: -180...180, using: &self))
        case 3: (lat, lon) = (Double.random(in: -90 ... -89.9, using: &self), Double.random(in: -180...180, using: &self))
        case 4: (lat, lon) = (Double.random(in: -0.01...0.01, using: &self), Double.random(in: -180...180, using: &self))
        case 5: (lat, lon) = ([-90, 0, 90].randomElement(using: &self)!, [-180, 0, 180].randomElement(using: &self)!)
        default: (lat, lon) = (Double.random(in: -90...90, using: &self), Double.random(in: -180...180, using: &self))
        }
        return try! GeoPoint(latitude: lat, longitude: lon)
    }

    /// A point within about `spreadDegrees` of a center, clamped into range (longitudes wrap).
    mutating func point(near center: GeoPoint, spreadDegrees: Double) -> GeoPoint {
        let spread = min(max(spreadDegrees, 1e-9), 180)
        let lat = min(90, max(-90, center.latitude + Double.random(in: -spread...spread, using: &self)))
        var lon = center.longitude + Double.random(in: -min(spread * 3, 180)...min(spread * 3, 180), using: &self)
        if lon > 180 { lon -= 360 }
        if lon < -180 { lon += 360 }
        return try! GeoPoint(latitude: lat, longitude: lon)
    }

    /// A radius from 1 m to half the planet, spread over the orders of magnitude.
    mutating func radius() -> Double {
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return 1
        case 1: return Double.random(in: 1...1_000, using: &self)
        case 2: return Double.random(in: 1_000...100_000, using: &self)
        case 3: return Double.random(in: 100_000...2_000_000, using: &self)
        case 4: return Double.random(in: 10_000_000...Haversine.maxRadiusMeters, using: &self)
        default: return Double.random(in: 1...Haversine.maxRadiusMeters, using: &self)
        }
    }
}
