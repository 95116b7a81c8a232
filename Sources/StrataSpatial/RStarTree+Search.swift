#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A binary min-heap of nodes keyed by a distance lower bound; the tree keeps
/// one and reuses its storage across searches.
struct NodeQueue {
    private var keys: [Double] = []
    private var nodes: [RStarNode] = []

    mutating func reset() {
        keys.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
    }

    mutating func push(_ key: Double, _ node: RStarNode) {
        keys.append(key)
        nodes.append(node)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[i] < keys[parent] else { break }
            keys.swapAt(i, parent)
            nodes.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMin() -> (key: Double, node: RStarNode)? {
        guard !keys.isEmpty else { return nil }
        let top = (keys[0], nodes[0])
        let lastKey = keys.removeLast()
        let lastNode = nodes.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            nodes[0] = lastNode
            var i = 0
            let n = keys.count
            while true {
                let l = 2 * i + 1
                guard l < n else { break }
                var c = l
                if l + 1 < n && keys[l + 1] < keys[l] { c = l + 1 }
                guard keys[c] < keys[i] else { break }
                keys.swapAt(i, c)
                nodes.swapAt(i, c)
                i = c
            }
        }
        return top
    }
}

/// A query point with its trigonometry computed once.
struct QueryPoint {
    let latitude: Double
    let longitude: Double
    let phi: Double
    let sinPhi: Double
    let cosPhi: Double

    init(_ p: GeoPoint) {
        latitude = p.latitude
        longitude = p.longitude
        phi = p.latitude * Haversine.radiansPerDegree
        sinPhi = sin(phi)
        cosPhi = cos(phi)
    }

    /// Metres to a position; bit-for-bit the same as `Haversine.distance(query, position)`.
    @inline(__always)
    func distance(latitude lat: Double, longitude lon: Double) -> Double {
        let a = Haversine.haversineTerm(
            phi1: phi, cosPhi1: cosPhi, phi2: lat * Haversine.radiansPerDegree,
            deltaLambda: (lon - longitude) * Haversine.radiansPerDegree)
        return Haversine.centralAngle(a) * Haversine.earthRadiusMeters
    }

    /// A bound lowered by more than the rounding error of the haversine
    /// formula (which grows near antipodal points), so that it never exceeds a
    /// computed point distance.
    @inline(__always)
    static func safe(_ d: Double) -> Double { max(0, d - (1e-6 + d * 1e-7)) }

    /// Metres along the meridian between the query and the latitude band: a lower bound to anything in it.
    @inline(__always)
    func latitudeGap(minY: Double, maxY: Double) -> Double {
        let gap = latitude < minY ? minY - latitude : (latitude > maxY ? latitude - maxY : 0)
        return QueryPoint.safe(gap * Haversine.radiansPerDegree * Haversine.earthRadiusMeters)
    }

    /// The great-circle distance from the query to the nearest point of a
    /// (non-wrapping) rectangle, lowered by `safe`.
    ///
    /// If the query's meridian crosses the rectangle, the nearest point is
    /// straight north or south. Otherwise it lies on the edge meridian with the
    /// smaller longitude difference (for a fixed latitude, distance grows with
    /// |Δλ|). On that meridian the closest point of the whole great circle is
    /// at latitude θ = atan2(sin φ, cos φ · cos Δλ); distance grows with the
    /// angle from θ along the circle, so the nearest point of the edge is θ
    /// clamped to the edge, or — when θ lies beyond a pole (|θ| > 90°) — one of
    /// the edge's ends. Exact across the antimeridian (only cos Δλ and
    /// sin²(Δλ/2) are used) and at the poles.
    func lowerBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        if longitude >= minX && longitude <= maxX { return latitudeGap(minY: minY, maxY: maxY) }
        let west = QueryPoint.wrappedSeparation(longitude - minX)
        let east = QueryPoint.wrappedSeparation(longitude - maxX)
        let edge = west <= east ? minX : maxX
        let theta =
            atan2(sinPhi, cosPhi * cos((longitude - edge) * Haversine.radiansPerDegree)) * Haversine.degreesPerRadian
        let d: Double
        if abs(theta) <= 90 {
            d = distance(latitude: min(max(theta, minY), maxY), longitude: edge)
        } else {
            d = min(distance(latitude: minY, longitude: edge), distance(latitude: maxY, longitude: edge))
        }
        return QueryPoint.safe(d)
    }

    /// |Δλ| folded into [0, 180].
    @inline(__always)
    static func wrappedSeparation(_ delta: Double) -> Double {
        let d = abs(delta).truncatingRemainder(dividingBy: 360)
        return d > 180 ? 360 - d : d
    }
}

extension RStarTree {
    /// The objects inside or on the edge of the box, in no particular order.
    public func search(in box: BoundingBox) -> [SpatialEntry] {
        var out: [SpatialEntry] = []
        guard count > 0 else { return out }
        for part in box.searchParts {
            let q = Rect(
                minX: part.minLongitude, minY: part.minLatitude, maxX: part.maxLongitude, maxY: part.maxLatitude)
            collect(root, in: q, into: &out)
        }
        return out
    }

    private func collect(_ node: RStarNode, in q: Rect, into out: inout [SpatialEntry]) {
        node.mbrs.withUnsafeBufferPointer { m in
            for i in 0..<(m.count / 4) {
                let minX = m[4 * i]
                let minY = m[4 * i + 1]
                let maxX = m[4 * i + 2]
                let maxY = m[4 * i + 3]
                guard minX <= q.maxX && maxX >= q.minX && minY <= q.maxY && maxY >= q.minY else { continue }
                if node.isLeaf {
                    out.append(SpatialEntry(id: node.ids[i], point: node.points[i]))
                } else {
                    collect(node.children[i], in: q, into: &out)
                }
            }
        }
    }

    /// The objects within `radiusMeters` (inclusive) of `center`, nearest first
    /// (equal distances by id), at most `limit`.
    ///
    /// - Throws: `SpatialError.invalidRadius`, `SpatialError.invalidArgument` (negative limit).
    public func search(near center: GeoPoint, radiusMeters: Double, limit: Int = .max) throws(SpatialError)
        -> [SpatialHit]
    {
        try Haversine.validate(radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        return bestFirst(from: center, within: radiusMeters, k: limit)
    }

    /// The `k` nearest objects by great-circle distance, nearest first (equal distances by id).
    ///
    /// - Throws: `SpatialError.invalidArgument` for a negative `k`.
    public func nearest(to point: GeoPoint, k: Int) throws(SpatialError) -> [SpatialHit] {
        try QueryArguments.check(limit: k, name: "k")
        return bestFirst(from: point, within: .infinity, k: k)
    }

    /// Best-first search (Hjaltason and Samet): pop nodes by lower bound,
    /// keep the best `k` hits in a max-heap, stop when the next bound exceeds
    /// the worst kept hit (or the radius). Ties at the cut-off are kept, so
    /// equal distances resolve by id exactly as a full sort would.
    func bestFirst(from center: GeoPoint, within radius: Double, k: Int) -> [SpatialHit] {
        guard k > 0, count > 0 else { return [] }
        let q = QueryPoint(center)
        var hits: [SpatialHit] = []
        if k <= 1024 { hits.reserveCapacity(k) }
        queue.reset()
        queue.push(0, root)
        while let (bound, node) = queue.popMin() {
            var worst = hits.count < k ? radius : min(radius, hits[0].distanceMeters)
            if bound > worst { break }
            if node.isLeaf {
                for i in 0..<node.count {
                    let lat = node.mbrs[4 * i + 1]
                    if q.latitudeGap(minY: lat, maxY: lat) > worst { continue }
                    let d = q.distance(latitude: lat, longitude: node.mbrs[4 * i])
                    guard d <= worst else { continue }
                    let hit = SpatialHit(id: node.ids[i], point: node.points[i], distanceMeters: d)
                    if hits.count < k {
                        pushMax(&hits, hit)
                    } else if SpatialHit.precedes(hit, hits[0]) {
                        replaceMax(&hits, hit)
                    } else {
                        continue
                    }
                    worst = hits.count < k ? radius : min(radius, hits[0].distanceMeters)
                }
            } else {
                for i in 0..<node.count {
                    let minY = node.mbrs[4 * i + 1]
                    let maxY = node.mbrs[4 * i + 3]
                    if q.latitudeGap(minY: minY, maxY: maxY) > worst { continue }
                    let b = q.lowerBound(minX: node.mbrs[4 * i], minY: minY, maxX: node.mbrs[4 * i + 2], maxY: maxY)
                    if b <= worst { queue.push(b, node.children[i]) }
                }
            }
        }
        hits.sort(by: SpatialHit.precedes)
        return hits
    }

    /// Max-heap on `SpatialHit.precedes`: the root is the hit that comes last.
    private func pushMax(_ heap: inout [SpatialHit], _ hit: SpatialHit) {
        heap.append(hit)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard SpatialHit.precedes(heap[parent], heap[i]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private func replaceMax(_ heap: inout [SpatialHit], _ hit: SpatialHit) {
        heap[0] = hit
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            var c = l
            if l + 1 < n && SpatialHit.precedes(heap[l], heap[l + 1]) { c = l + 1 }
            guard SpatialHit.precedes(heap[i], heap[c]) else { break }
            heap.swapAt(i, c)
            i = c
        }
    }
}
