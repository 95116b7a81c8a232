#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A binary min-heap of nodes keyed by a lower bound on the haversine term
/// (see `QueryPoint`), each key marked exact or cheap. The tree keeps one and
/// reuses its storage across searches. Nodes are held unmanaged: the tree owns
/// them for the whole search, and skipping reference counting here is most of
/// the queue's cost.
struct NodeQueue {
    private var keys: [Double] = []
    private var nodes: [Unmanaged<RStarNode>] = []
    private var exact: [Bool] = []

    mutating func reset() {
        keys.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        exact.removeAll(keepingCapacity: true)
    }

    var minKey: Double { keys.first ?? .infinity }

    mutating func push(_ key: Double, _ node: RStarNode, exact isExact: Bool) {
        keys.append(key)
        nodes.append(Unmanaged.passUnretained(node))
        exact.append(isExact)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[i] < keys[parent] else { break }
            keys.swapAt(i, parent)
            nodes.swapAt(i, parent)
            exact.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMin() -> (key: Double, node: RStarNode, exact: Bool)? {
        guard !keys.isEmpty else { return nil }
        let top = (keys[0], nodes[0].takeUnretainedValue(), exact[0])
        let lastKey = keys.removeLast()
        let lastNode = nodes.removeLast()
        let lastExact = exact.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            nodes[0] = lastNode
            exact[0] = lastExact
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
                exact.swapAt(i, c)
                i = c
            }
        }
        return top
    }
}

/// A query point with its trigonometry computed once.
///
/// Distance queries compare haversine terms `a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)`
/// (the distance is `2R·asin(√a)`, increasing in `a`) so that bounds need no
/// `asin`; metres are computed only for accepted hits.
struct QueryPoint {
    let latitude: Double
    let longitude: Double
    let phi: Double
    let cosPhi: Double
    let sinPhi: Double

    init(_ p: GeoPoint) {
        latitude = p.latitude
        longitude = p.longitude
        phi = p.latitude * Haversine.radiansPerDegree
        cosPhi = cos(phi)
        sinPhi = sin(phi)
    }

    /// Metres to a position; bit-for-bit the same as `Haversine.distance(query, position)`.
    @inline(__always)
    func distance(latitude lat: Double, longitude lon: Double) -> Double {
        Haversine.centralAngle(term(latitude: lat, longitude: lon)) * Haversine.earthRadiusMeters
    }

    /// The haversine term to a position.
    @inline(__always)
    func term(latitude lat: Double, longitude lon: Double) -> Double {
        Haversine.haversineTerm(
            phi1: phi, cosPhi1: cosPhi, phi2: lat * Haversine.radiansPerDegree,
            deltaLambda: (lon - longitude) * Haversine.radiansPerDegree)
    }

    /// The haversine term of a distance in metres (for the radius and the worst kept hit).
    static func term(ofMeters d: Double) -> Double {
        guard d.isFinite else { return .infinity }
        let s = sin(min(d / (2 * Haversine.earthRadiusMeters), Double.pi / 2))
        return s * s
    }

    /// Lowered past rounding error so that a bound never exceeds a computed term.
    @inline(__always)
    static func safe(_ a: Double) -> Double { max(0, a * (1 - 1e-9) - 1e-15) }

    /// Whether a bound rules out anything at or beyond the term `worst` (kept
    /// strict with slack, so that hits tied with the worst one stay possible).
    @inline(__always)
    static func exceeds(_ bound: Double, _ worst: Double) -> Bool { bound > worst * (1 + 1e-9) + 1e-15 }

    /// |Δλ| folded into [0, 180] for Δλ in [-360, 360].
    @inline(__always)
    static func wrappedSeparation(_ delta: Double) -> Double {
        let d = abs(delta)
        return d > 180 ? 360 - d : d
    }

    /// A lower bound on the term to a rectangle with no trigonometry, from
    /// Jordan's inequality (sin x ≥ 2x/π on [0, π/2]): sin²(Δφ/2) ≥ (Δφ/π)²,
    /// sin²(Δλ/2) ≥ (Δλ/π)², cos ψ ≥ 1 − 2|ψ|/π; with Δφ the latitude gap and Δλ
    /// the longitude separation to the nearer edge.
    @inline(__always)
    func cheapBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        let gap = latitude < minY ? minY - latitude : (latitude > maxY ? latitude - maxY : 0)
        let g = gap / 180
        var a = g * g
        if !(longitude >= minX && longitude <= maxX) {
            let sep = min(QueryPoint.wrappedSeparation(longitude - minX), QueryPoint.wrappedSeparation(longitude - maxX))
            let l = sep / 180
            let maxAbs = max(abs(minY), abs(maxY))
            let cosLow = max(0, 1 - maxAbs / 90)
            a += max(0, cosPhi) * cosLow * l * l
        }
        return QueryPoint.safe(a)
    }

    /// The haversine term from the query to the nearest point of a
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
    func exactBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        if longitude >= minX && longitude <= maxX {
            let gap = latitude < minY ? minY - latitude : (latitude > maxY ? latitude - maxY : 0)
            let s = sin(gap * Haversine.radiansPerDegree / 2)
            return QueryPoint.safe(s * s)
        }
        let west = QueryPoint.wrappedSeparation(longitude - minX)
        let east = QueryPoint.wrappedSeparation(longitude - maxX)
        let edge = west <= east ? minX : maxX
        let theta =
            atan2(sinPhi, cosPhi * cos((longitude - edge) * Haversine.radiansPerDegree)) * Haversine.degreesPerRadian
        let a: Double
        if abs(theta) <= 90 {
            a = term(latitude: min(max(theta, minY), maxY), longitude: edge)
        } else {
            a = min(term(latitude: minY, longitude: edge), term(latitude: maxY, longitude: edge))
        }
        return QueryPoint.safe(a)
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
    /// the worst kept hit (or the radius). Children enter the queue under a
    /// cheap bound; the exact bound is computed only when a node reaches the
    /// front, and the node goes back if that bound is no longer the least.
    /// Ties at the cut-off are kept, so equal distances resolve by id exactly
    /// as a full sort would.
    func bestFirst(from center: GeoPoint, within radius: Double, k: Int) -> [SpatialHit] {
        guard k > 0, count > 0 else { return [] }
        let q = QueryPoint(center)
        let radiusTerm = QueryPoint.term(ofMeters: radius)
        var hits: [SpatialHit] = []
        if k <= 1024 { hits.reserveCapacity(k) }
        var worst = radius
        var worstTerm = radiusTerm
        // Work on a local queue (moved out and back, no copy) to avoid an
        // exclusivity check on the tree for every push and pop.
        var queue = self.queue
        self.queue = NodeQueue()
        defer { self.queue = queue }
        queue.reset()
        queue.push(0, root, exact: true)
        while let (key, node, isExact) = queue.popMin() {
            if QueryPoint.exceeds(key, worstTerm) { break }
            if !isExact {
                // The node's own MBR equals its entry in the parent (rectangles are tight).
                let r = node.computeMBR()
                let b = q.exactBound(minX: r.minX, minY: r.minY, maxX: r.maxX, maxY: r.maxY)
                if QueryPoint.exceeds(b, worstTerm) { continue }
                if b > queue.minKey {
                    queue.push(b, node, exact: true)
                    continue
                }
            }
            let m = node.mbrs
            if node.isLeaf {
                for i in 0..<(m.count / 4) {
                    let lon = m[4 * i]
                    let lat = m[4 * i + 1]
                    if QueryPoint.exceeds(q.cheapBound(minX: lon, minY: lat, maxX: lon, maxY: lat), worstTerm) {
                        continue
                    }
                    let a = q.term(latitude: lat, longitude: lon)
                    if QueryPoint.exceeds(a, worstTerm) { continue }
                    let d = Haversine.centralAngle(a) * Haversine.earthRadiusMeters
                    guard d <= worst else { continue }
                    let hit = SpatialHit(id: node.ids[i], point: node.points[i], distanceMeters: d)
                    if hits.count < k {
                        pushMax(&hits, hit)
                    } else if SpatialHit.precedes(hit, hits[0]) {
                        replaceMax(&hits, hit)
                    } else {
                        continue
                    }
                    if hits.count == k && hits[0].distanceMeters < worst {
                        worst = hits[0].distanceMeters
                        worstTerm = QueryPoint.term(ofMeters: worst)
                    }
                }
            } else {
                let children = node.children
                for i in 0..<(m.count / 4) {
                    let b = q.cheapBound(minX: m[4 * i], minY: m[4 * i + 1], maxX: m[4 * i + 2], maxY: m[4 * i + 3])
                    if !QueryPoint.exceeds(b, worstTerm) { queue.push(b, children[i], exact: false) }
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
