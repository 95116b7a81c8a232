import CStrataPrefetch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An object found by a distance query: its slot in the tree, its distance
/// in metres, and its coordinates as the leaf holds them (bit-identical to
/// the object's point), so that mapping a hit needs no read of the per-slot
/// points (a cache miss per hit in a large tree).
struct SlotHit {
    var distance: Double
    /// The haversine term of `distance` (as `QueryPoint.term` computed it),
    /// so that the worst kept hit bounds the search without a `sin`.
    var term: Double
    var slot: Int32
    var longitude: Double
    var latitude: Double
}

/// The buffers a search needs, owned by the tree and reused so that a query
/// allocates only its result.
struct SearchScratch {
    /// The best-first queue: a binary min-heap of keys (lower bounds on the
    /// haversine term) and entry addresses (`node · stride + index`; negated
    /// minus one while the key is only the cheap bound).
    var keys: [Double] = []
    var entries: [Int32] = []
    /// The hits kept so far (a max-heap while k-nearest runs).
    var hits: [SlotHit] = []
    /// Nodes still to visit in a depth-first walk.
    var stack: [Int32] = []

    mutating func resetQueue() {
        keys.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    var minKey: Double { keys.first ?? .infinity }

    mutating func push(_ key: Double, _ entry: Int32) {
        keys.append(key)
        entries.append(entry)
        keys.withUnsafeMutableBufferPointer { k in
            entries.withUnsafeMutableBufferPointer { e in
                var i = k.count - 1
                while i > 0 {
                    let parent = (i - 1) / 2
                    guard key < k[parent] else { break }
                    k[i] = k[parent]
                    e[i] = e[parent]
                    i = parent
                }
                k[i] = key
                e[i] = entry
            }
        }
    }

    mutating func popMin() -> (key: Double, entry: Int32)? {
        guard let lastKey = keys.popLast() else { return nil }
        let lastEntry = entries.removeLast()
        guard !keys.isEmpty else { return (lastKey, lastEntry) }
        let top = (keys[0], entries[0])
        keys.withUnsafeMutableBufferPointer { k in
            entries.withUnsafeMutableBufferPointer { e in
                let n = k.count
                var i = 0
                while true {
                    let l = 2 * i + 1
                    guard l < n else { break }
                    var c = l
                    if l + 1 < n && k[l + 1] < k[l] { c = l + 1 }
                    guard k[c] < lastKey else { break }
                    k[i] = k[c]
                    e[i] = e[c]
                    i = c
                }
                k[i] = lastKey
                e[i] = lastEntry
            }
        }
        return top
    }
}

/// The degree rectangles (one, or two across the antimeridian) that hold
/// every point within some distance of a query point: a search tests an
/// entry against them with four comparisons before it computes any bound,
/// and most of the entries of the nodes it opens fail that test.
struct CoverParts {
    var first: Rect
    var second: Rect

    static let world = CoverParts(
        first: Rect(minX: -180, minY: -90, maxX: 180, maxY: 90), second: .empty)

    init(first: Rect, second: Rect) {
        self.first = first
        self.second = second
    }

    /// The parts of `Haversine.coveringBox` (padded against rounding, so a
    /// point whose computed distance is `meters` is inside); the world for an
    /// infinite distance. Distances below a millimetre use a millimetre.
    init(center: GeoPoint, meters: Double) {
        guard meters.isFinite,
            let box = try? Haversine.coveringBox(center: center, radiusMeters: max(meters, 1e-3))
        else {
            self = .world
            return
        }
        var parts = (Rect.empty, Rect.empty)
        var n = 0
        box.forEachSearchPart { part in
            if n == 0 { parts.0 = part } else { parts.1 = part }
            n += 1
        }
        self.init(first: parts.0, second: parts.1)
    }

    @inline(__always)
    func meets(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Bool {
        (minX <= first.maxX && maxX >= first.minX && minY <= first.maxY && maxY >= first.minY)
            || (minX <= second.maxX && maxX >= second.minX && minY <= second.maxY && maxY >= second.minY)
    }

    @inline(__always)
    func holds(x: Double, y: Double) -> Bool { meets(minX: x, minY: y, maxX: x, maxY: y) }
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

    /// The haversine term to a leaf point whose latitude's cosine is known.
    @inline(__always)
    func term(latitude lat: Double, cosLatitude: Double, longitude lon: Double) -> Double {
        Haversine.haversineTerm(
            phi1: phi, cosPhi1: cosPhi, phi2: lat * Haversine.radiansPerDegree, cosPhi2: cosLatitude,
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

    /// A lower bound on the term to a rectangle with no trigonometry, tight at
    /// small distances: with Δφ the latitude gap and Δλ the longitude
    /// separation to the nearer edge (radians, both halved: x = Δφ/2,
    /// y = Δλ/2 ≤ π/2), sin x ≥ x − x³/6 ≥ 0 (x ≤ π/2 < √6), and every point
    /// of the rectangle has cos φ2 ≥ cos t for t its largest |latitude|, with
    /// cos t ≥ max(1 − t²/2, 1 − 2t/π) (Taylor; Jordan). (The Jordan form
    /// alone, sin x ≥ 2x/π, let nodes up to ~1.6× too far into the queue.)
    /// The bounds multiply by 1/6 rather than divide by 6: a search computes
    /// one for every entry of every node it opens, a division costs several
    /// times a multiplication, and `safe` absorbs the extra rounding.
    @inline(__always)
    func cheapBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        let gap = latitude < minY ? minY - latitude : (latitude > maxY ? latitude - maxY : 0)
        let x = gap * (Haversine.radiansPerDegree / 2)
        let sx = x - x * x * x * (1.0 / 6)
        var a = sx * sx
        if !(longitude >= minX && longitude <= maxX) {
            let sep = min(
                QueryPoint.wrappedSeparation(longitude - minX), QueryPoint.wrappedSeparation(longitude - maxX))
            let y = sep * (Haversine.radiansPerDegree / 2)
            let sy = y - y * y * y * (1.0 / 6)
            let t = max(abs(minY), abs(maxY)) * Haversine.radiansPerDegree
            let cosLow = max(0, 1 - t * t / 2, 1 - t * (2 / Double.pi))
            a += max(0, cosPhi) * cosLow * sy * sy
        }
        return QueryPoint.safe(a)
    }

    /// A lower bound on the term to a point, with no trigonometry and tight
    /// at small distances (where `cheapBound`'s Jordan factor (2/π)² is loose):
    /// with x = |Δφ|/2 and y = |Δλ|/2 (radians, y ≤ π/2 after wrapping),
    /// sin x ≥ x − x³/6 ≥ 0 (x ≤ π/2 < √6), and
    /// cos φ2 = cos(φ1 + Δφ) ≥ cos φ1 (1 − Δφ²/2) − |sin φ1| |Δφ|, so
    /// a ≥ (x − x³/6)² + cos φ1 · max(0, that) · (y − y³/6)².
    @inline(__always)
    func pointBound(latitude lat: Double, longitude lon: Double) -> Double {
        let dPhi = abs(lat - latitude) * Haversine.radiansPerDegree
        let x = dPhi / 2
        let sx = x - x * x * x * (1.0 / 6)
        let y = QueryPoint.wrappedSeparation(lon - longitude) * (Haversine.radiansPerDegree / 2)
        let sy = y - y * y * y * (1.0 / 6)
        let cos2 = max(0, cosPhi * (1 - dPhi * dPhi / 2) - abs(sinPhi) * dPhi)
        return QueryPoint.safe(sx * sx + cosPhi * cos2 * sy * sy)
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
        var stack = scratch.stack
        scratch.stack = []
        defer { scratch.stack = stack }
        box.forEachSearchPart { q in
            walk(q, stack: &stack) { slot, _, _, _ in
                out.append(SpatialEntry(id: ids[Int(slot)], point: points[Int(slot)]))
            }
        }
        return out
    }

    /// Hints the first 512 bytes of a node's block into the cache: a leaf's
    /// points (32 of them) or half an internal node's rectangles. One hint
    /// per line: the hardware prefetcher needs a few misses in a row before
    /// it follows a block, and most blocks are read only once per search.
    @inline(__always)
    private func prefetchBlock(_ block: UnsafeMutablePointer<Double>) {
        let raw = UnsafeRawPointer(block)
        for line in 0..<8 { strata_prefetch(raw + 64 * line) }
    }

    /// Calls `body` with the slot, longitude, latitude and latitude cosine of
    /// every point inside the (non-wrapping) rectangle `q`, depth first.
    @inline(__always)
    private func walk(_ q: Rect, stack: inout [Int32], _ body: (Int32, Double, Double, Double) -> Void) {
        let boxStore = pool.boxStore
        let refStore = pool.refStore
        let stride = pool.stride
        stack.removeAll(keepingCapacity: true)
        stack.append(root)
        while let node = stack.popLast() {
            let b = boxStore + Int(node) * stride * 4
            let n = pool.count(node)
            if pool.level(node) == 0 {
                let slots = b + 2 * stride
                let cosines = b + 3 * stride
                for i in 0..<n {
                    let x = b[2 * i]
                    let y = b[2 * i + 1]
                    if x >= q.minX && x <= q.maxX && y >= q.minY && y <= q.maxY {
                        body(Int32(slots[i]), x, y, cosines[i])
                    }
                }
            } else {
                let r = refStore + Int(node) * stride
                for i in 0..<n
                where b[4 * i] <= q.maxX && b[4 * i + 2] >= q.minX && b[4 * i + 1] <= q.maxY && b[4 * i + 3] >= q.minY {
                    let child = r[i]
                    // Start the child's block on its way now: the walk
                    // reaches it after its siblings, and the reads of
                    // several children then overlap.
                    prefetchBlock(boxStore + Int(child) * stride * 4)
                    stack.append(child)
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
        hits(try slotsNear(center, radiusMeters: radiusMeters, limit: limit))
    }

    /// The `k` nearest objects by great-circle distance, nearest first (equal distances by id).
    ///
    /// - Throws: `SpatialError.invalidArgument` for a negative `k`.
    public func nearest(to point: GeoPoint, k: Int) throws(SpatialError) -> [SpatialHit] {
        hits(try slotsNearest(to: point, k: k))
    }

    /// `search(near:radiusMeters:limit:)` into a caller's array: `hits` is
    /// emptied (its capacity kept) and receives the answer, so that a caller
    /// running many queries reuses one buffer instead of allocating a result
    /// per query.
    ///
    /// - Throws: as `search(near:radiusMeters:limit:)`; `hits` is empty then.
    public func search(
        near center: GeoPoint, radiusMeters: Double, limit: Int = .max, into hits: inout [SpatialHit]
    ) throws(SpatialError) {
        hits.removeAll(keepingCapacity: true)
        append(try slotsNear(center, radiusMeters: radiusMeters, limit: limit), to: &hits)
    }

    /// `nearest(to:k:)` into a caller's array, emptied first (capacity kept).
    ///
    /// - Throws: as `nearest(to:k:)`; `hits` is empty then.
    public func nearest(to point: GeoPoint, k: Int, into hits: inout [SpatialHit]) throws(SpatialError) {
        hits.removeAll(keepingCapacity: true)
        append(try slotsNearest(to: point, k: k), to: &hits)
    }

    private func append(_ found: ArraySlice<SlotHit>, to hits: inout [SpatialHit]) {
        hits.reserveCapacity(found.count)
        for h in found {
            hits.append(SpatialHit(id: ids[Int(h.slot)], point: point(of: h), distanceMeters: h.distance))
        }
    }

    /// The public form of slot hits.
    private func hits(_ found: ArraySlice<SlotHit>) -> [SpatialHit] {
        found.map { SpatialHit(id: ids[Int($0.slot)], point: point(of: $0), distanceMeters: $0.distance) }
    }

    /// The point of a hit: rebuilt from the leaf's coordinates unless some
    /// object carries an altitude (which the leaves do not keep).
    @inline(__always)
    func point(of hit: SlotHit) -> GeoPoint {
        altitudeCount == 0
            ? GeoPoint(uncheckedLatitude: hit.latitude, longitude: hit.longitude) : points[Int(hit.slot)]
    }

    /// The id of an object's slot (for owners that keep their own per-object data).
    func id(ofSlot slot: Int32) -> String { ids[Int(slot)] }

    /// `search(near:radiusMeters:limit:)` as slots, in order.
    func slotsNear(_ center: GeoPoint, radiusMeters: Double, limit: Int) throws(SpatialError) -> ArraySlice<SlotHit> {
        try Haversine.validate(radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        guard limit > 0, count > 0 else { return [] }
        // A bounded radius walks the covering box; a limit runs best-first so
        // that a wide radius with a small limit does not visit everything.
        if limit < count { return bestFirst(from: center, within: radiusMeters, k: limit) }
        return withinRadius(center, radiusMeters)
    }

    /// `nearest(to:k:)` as slots, in order.
    func slotsNearest(to point: GeoPoint, k: Int) throws(SpatialError) -> ArraySlice<SlotHit> {
        try QueryArguments.check(limit: k, name: "k")
        return bestFirst(from: point, within: .infinity, k: k)
    }

    /// Sorts hits nearest first, equal distances by id.
    @inline(__always)
    private func precedes(_ a: SlotHit, _ b: SlotHit) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && ids[Int(a.slot)] < ids[Int(b.slot)])
    }

    /// Every object within `radius` metres: a walk of the covering box in
    /// degrees (one or more non-wrapping parts), a great-circle distance only
    /// for the points inside it.
    private func withinRadius(_ center: GeoPoint, _ radius: Double) -> ArraySlice<SlotHit> {
        var found = scratch.hits
        var stack = scratch.stack
        scratch.hits = []
        scratch.stack = []
        defer {
            scratch.hits = found
            scratch.stack = stack
        }
        found.removeAll(keepingCapacity: true)
        let q = QueryPoint(center)
        // Where the ids live, for hinting a hit's id in early: the hits are
        // turned into results after the walk, and in a large tree each id is
        // a cache miss of its own. (Only a hint: nothing is read through it.)
        let idsBase = ids.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let idStride = MemoryLayout<String>.stride
        let radiusTerm = QueryPoint.term(ofMeters: radius)
        // The box is padded against rounding, and its walk finds every point
        // within the radius (Haversine.coveringBox); the filter is exact.
        let box = (try? Haversine.coveringBox(center: center, radiusMeters: radius)) ?? .world
        box.forEachSearchPart { part in
            walk(part, stack: &stack) { slot, lon, lat, cosLat in
                if QueryPoint.exceeds(q.pointBound(latitude: lat, longitude: lon), radiusTerm) { return }
                let a = q.term(latitude: lat, cosLatitude: cosLat, longitude: lon)
                if QueryPoint.exceeds(a, radiusTerm) { return }
                let d = Haversine.centralAngle(a) * Haversine.earthRadiusMeters
                if d <= radius {
                    if let idsBase { strata_prefetch(idsBase + Int(slot) * idStride) }
                    found.append(SlotHit(distance: d, term: a, slot: slot, longitude: lon, latitude: lat))
                }
            }
        }
        found.sort(by: precedes)
        return found[...]
    }

    /// Best-first search (Hjaltason and Samet): pop entries by lower bound,
    /// keep the best `k` hits in a max-heap, stop when the next bound exceeds
    /// the worst kept hit (or the radius). Children enter the queue under a
    /// cheap bound; the exact bound is computed only when an entry reaches the
    /// front, and the entry goes back if that bound is no longer the least.
    /// Ties at the cut-off are kept, so equal distances resolve by id exactly
    /// as a full sort would.
    func bestFirst(from center: GeoPoint, within radius: Double, k: Int) -> ArraySlice<SlotHit> {
        guard k > 0, count > 0 else { return [] }
        // Work on local buffers (moved out and back, no copy): no exclusivity
        // check on the tree for every push and pop.
        var queue = scratch
        scratch = SearchScratch()
        defer { scratch = queue }
        queue.resetQueue()
        queue.hits.removeAll(keepingCapacity: true)
        let q = QueryPoint(center)
        // Where the ids live, for hinting a hit's id in early: the hits are
        // turned into results after the walk, and in a large tree each id is
        // a cache miss of its own. (Only a hint: nothing is read through it.)
        let idsBase = ids.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let idStride = MemoryLayout<String>.stride
        var worst = radius
        var worstTerm = QueryPoint.term(ofMeters: radius)
        // The covering box of `worst`, brought up to date before each node
        // once `worst` has shrunk.
        var cover = CoverParts(center: center, meters: worst)
        var coverIsStale = false
        let boxStore = pool.boxStore
        let refStore = pool.refStore
        let stride = pool.stride

        // Seed: descend to the leaf nearest the query by the cheap bound (the
        // first one at bound 0, usually the leaf around the query) and take
        // its points first, so that the worst kept hit prunes the queue from
        // the root down instead of every child entering it while fewer than
        // k hits are known. The seed leaf is skipped when the queue reaches it.
        var seedLeaf = root
        while pool.level(seedLeaf) > 0 {
            let b = boxStore + Int(seedLeaf) * stride * 4
            var best = 0
            var bestBound = Double.infinity
            for i in 0..<pool.count(seedLeaf) {
                let e = b + 4 * i
                let bound = q.cheapBound(minX: e[0], minY: e[1], maxX: e[2], maxY: e[3])
                if bound < bestBound {
                    best = i
                    bestBound = bound
                    if bound == 0 { break }
                }
            }
            seedLeaf = refStore[Int(seedLeaf) * stride + best]
        }
        var seeded = seedLeaf == root
        var node = seedLeaf
        while true {
            let b = boxStore + Int(node) * stride * 4
            let n = pool.count(node)
            if coverIsStale {
                cover = CoverParts(center: center, meters: worst)
                coverIsStale = false
            }
            if pool.level(node) == 0 {
                let slots = b + 2 * stride
                let cosines = b + 3 * stride
                for i in 0..<n {
                    let lon = b[2 * i]
                    let lat = b[2 * i + 1]
                    if !cover.holds(x: lon, y: lat) { continue }
                    if QueryPoint.exceeds(q.pointBound(latitude: lat, longitude: lon), worstTerm) {
                        continue
                    }
                    let a = q.term(latitude: lat, cosLatitude: cosines[i], longitude: lon)
                    if QueryPoint.exceeds(a, worstTerm) { continue }
                    let d = Haversine.centralAngle(a) * Haversine.earthRadiusMeters
                    guard d <= worst else { continue }
                    let hit = SlotHit(distance: d, term: a, slot: Int32(slots[i]), longitude: lon, latitude: lat)
                    if let idsBase { strata_prefetch(idsBase + Int(hit.slot) * idStride) }
                    if queue.hits.count < k {
                        pushMax(&queue.hits, hit)
                    } else if precedes(hit, queue.hits[0]) {
                        replaceMax(&queue.hits, hit)
                    } else {
                        continue
                    }
                    if queue.hits.count == k && queue.hits[0].distance < worst {
                        worst = queue.hits[0].distance
                        worstTerm = queue.hits[0].term
                        coverIsStale = true
                    }
                }
            } else {
                let r = refStore + Int(node) * stride
                let base = Int32(Int(node) * stride)
                for i in 0..<n {
                    let e = b + 4 * i
                    if !cover.meets(minX: e[0], minY: e[1], maxX: e[2], maxY: e[3]) { continue }
                    let bound = q.cheapBound(minX: e[0], minY: e[1], maxX: e[2], maxY: e[3])
                    if !QueryPoint.exceeds(bound, worstTerm) {
                        // Most children that enter the queue are expanded:
                        // start their blocks on the way (see `walk`).
                        prefetchBlock(boxStore + Int(r[i]) * stride * 4)
                        queue.push(bound, ~(base + Int32(i)))
                    }
                }
            }
            if !seeded {
                seeded = true
                node = root
                continue
            }
            // The next node to expand.
            var next: Int32 = -1
            while let (key, entry) = queue.popMin() {
                if QueryPoint.exceeds(key, worstTerm) { break }
                if entry >= 0 {
                    next = refStore[Int(entry)]
                    if next == seedLeaf {
                        next = -1
                        continue
                    }
                    break
                }
                let address = ~entry
                if refStore[Int(address)] == seedLeaf { continue }
                let e = boxStore + Int(address) * 4
                let exact = q.exactBound(minX: e[0], minY: e[1], maxX: e[2], maxY: e[3])
                if QueryPoint.exceeds(exact, worstTerm) { continue }
                if exact > queue.minKey {
                    queue.push(exact, address)
                    continue
                }
                next = refStore[Int(address)]
                break
            }
            if next < 0 { break }
            node = next
        }
        queue.hits.sort(by: precedes)
        return queue.hits[...]
    }

    /// Max-heap on `precedes`: the root is the hit that comes last.
    @inline(__always)
    private func pushMax(_ heap: inout [SlotHit], _ hit: SlotHit) {
        heap.append(hit)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard precedes(heap[parent], hit) else { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = hit
    }

    @inline(__always)
    private func replaceMax(_ heap: inout [SlotHit], _ hit: SlotHit) {
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            var c = l
            if l + 1 < n && precedes(heap[l], heap[l + 1]) { c = l + 1 }
            guard precedes(hit, heap[c]) else { break }
            heap[i] = heap[c]
            i = c
        }
        heap[i] = hit
    }
}
