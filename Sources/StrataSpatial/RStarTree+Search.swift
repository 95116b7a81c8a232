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

/// Counts of the ways the distance searches answered (see `slotsNear` and
/// `slotsNearest`); an increment each, so they cost nothing measurable.
struct SearchPaths: Equatable {
    var radiusWalks = 0
    var limitedBestFirst = 0
    var nearestFirstWalk = 0
    var nearestSecondWalk = 0
    var nearestBestFirst = 0
    /// Radius walks whose hits were ordered by rank (`sortPrefix`), and
    /// those that had equal distances in the front and were ordered by id.
    var rankedSorts = 0
    var tieSorts = 0
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
    func prefetchBlock(_ block: UnsafeMutablePointer<Double>) {
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
        // The box as vectors, so that a containment test is two vector
        // comparisons and one branch: with a branch per comparison, a walk
        // mispredicts about as often as it tests (the outcomes near a query
        // follow no pattern), and that cost more than the memory it reads.
        let low = SIMD2(q.minX, q.minY)
        let high = SIMD2(q.maxX, q.maxY)
        stack.removeAll(keepingCapacity: true)
        stack.append(root)
        while let node = stack.popLast() {
            let b = boxStore + Int(node) * stride * 4
            let n = pool.count(node)
            if pool.level(node) == 0 {
                let slots = b + 2 * stride
                let cosines = b + 3 * stride
                let raw = UnsafeRawPointer(b)
                for i in 0..<n {
                    let p = raw.load(fromByteOffset: 16 * i, as: SIMD2<Double>.self)
                    if all((p .>= low) .& (p .<= high)) {
                        body(Int32(slots[i]), p.x, p.y, cosines[i])
                    }
                }
            } else {
                let r = refStore + Int(node) * stride
                let raw = UnsafeRawPointer(b)
                for i in 0..<n {
                    let lo = raw.load(fromByteOffset: 32 * i, as: SIMD2<Double>.self)
                    let hi = raw.load(fromByteOffset: 32 * i + 16, as: SIMD2<Double>.self)
                    guard all((lo .<= high) .& (hi .>= low)) else { continue }
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
    ///
    /// A radius walk of the covering box, unless a limit cuts the answer
    /// short and the radius is expected to hold many more points than the
    /// limit (by the density around the centre, `pointsPerSquareMeter`):
    /// then best-first, so that a wide radius with a small limit does not
    /// visit everything.
    func slotsNear(_ center: GeoPoint, radiusMeters: Double, limit: Int) throws(SpatialError) -> ArraySlice<SlotHit> {
        try Haversine.validate(radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        guard limit > 0, count > 0 else { return [] }
        if limit < count {
            guard let density = pointsPerSquareMeter(around: center),
                Double.pi * radiusMeters * radiusMeters * density <= 4 * Double(limit) + 64
            else {
                searchPaths.limitedBestFirst &+= 1
                return bestFirst(from: center, within: radiusMeters, k: limit)
            }
        }
        searchPaths.radiusWalks &+= 1
        return withinRadius(center, radiusMeters, first: limit)
    }

    /// `nearest(to:k:)` as slots, in order.
    ///
    /// First a radius walk, with a radius expected to hold `1.5k + 4` points
    /// by the density around the query (k = 10: 19, and fewer than 10 with
    /// a Poisson chance of about 1 %): when it finds at least `k`, its first
    /// `k` (by distance, then id) are the answer, since every point outside
    /// is farther than every point inside. If it finds fewer, a walk of twice
    /// the radius. A radius walk tests entries with two vector comparisons
    /// each and keeps no queue, so it is about twice as fast as best-first
    /// for the same number of hits. Best-first answers when both walks come
    /// up short, when the density says nothing, or when the guessed radius
    /// is over 500 km (where the points are too sparse for a walk to pay).
    /// A guess only decides how the search runs: a radius that holds fewer
    /// than `k` points is never trusted.
    func slotsNearest(to point: GeoPoint, k: Int) throws(SpatialError) -> ArraySlice<SlotHit> {
        try QueryArguments.check(limit: k, name: "k")
        guard k > 0, count > 0 else { return [] }
        if k < count, let density = pointsPerSquareMeter(around: point) {
            let radius = ((1.5 * Double(k) + 4) / (Double.pi * density)).squareRoot()
            if radius.isFinite && radius > 0 && radius <= 500_000 {
                let found = withinRadius(point, radius, first: k)
                if found.count >= k {
                    searchPaths.nearestFirstWalk &+= 1
                    return found
                }
                let again = withinRadius(point, 2 * radius, first: k)
                if again.count >= k {
                    searchPaths.nearestSecondWalk &+= 1
                    return again
                }
            }
        }
        searchPaths.nearestBestFirst &+= 1
        return bestFirst(from: point, within: .infinity, k: k)
    }

    /// The density of points around `center`, as the leaf reached by
    /// descending to the child whose rectangle holds the centre, or else to
    /// the nearest one, has them (a third of random centres fall in the gaps
    /// between leaves, and the leaf beside a gap is as good a guess). Nil
    /// when the tree is one leaf, and for a leaf of fewer than 4 points or
    /// with no area.
    func pointsPerSquareMeter(around center: GeoPoint) -> Double? {
        var node = root
        guard pool.level(node) > 0 else { return nil }
        let boxStore = pool.boxStore
        let refStore = pool.refStore
        let stride = pool.stride
        let lon = center.longitude
        let lat = center.latitude
        let cosLat = cos(lat * Haversine.radiansPerDegree)
        while true {
            let b = boxStore + Int(node) * stride * 4
            var chosen = 0
            var nearest = Double.infinity
            for i in 0..<pool.count(node) {
                let e = b + 4 * i
                // Squared distance in degrees, longitude scaled to the
                // centre's latitude; zero inside (no wrap: only a guess).
                let dx = max(e[0] - lon, 0, lon - e[2]) * cosLat
                let dy = max(e[1] - lat, 0, lat - e[3])
                let d = dx * dx + dy * dy
                if d < nearest {
                    chosen = i
                    nearest = d
                    if d == 0 { break }
                }
            }
            let child = refStore[Int(node) * stride + chosen]
            guard pool.level(node) == 1 else {
                node = child
                continue
            }
            let e = b + 4 * chosen
            let points = Double(pool.count(child))
            let metresPerDegree = Haversine.earthRadiusMeters * Haversine.radiansPerDegree
            let area = (e[3] - e[1]) * metresPerDegree * (e[2] - e[0]) * metresPerDegree * cosLat
            guard points >= 4, area > 0 else { return nil }
            let density = points / area
            return density.isFinite ? density : nil
        }
    }

    /// Sorts hits nearest first, equal distances by id.
    @inline(__always)
    func precedes(_ a: SlotHit, _ b: SlotHit) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && ids[Int(a.slot)] < ids[Int(b.slot)])
    }

    /// Every object within `radius` metres: a walk of the covering box in
    /// degrees (one or more non-wrapping parts), a great-circle distance only
    /// for the points inside it.
    private func withinRadius(_ center: GeoPoint, _ radius: Double, first: Int) -> ArraySlice<SlotHit> {
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
        let (hintBase, hintStride) = hitHint
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
                    if let hintBase { strata_prefetch(hintBase + Int(slot) * hintStride) }
                    found.append(SlotHit(distance: d, term: a, slot: slot, longitude: lon, latitude: lat))
                }
            }
        }
        let n = min(first, found.count)
        sortPrefix(&found, n)
        return found.prefix(n)
    }

    /// Puts the `n` hits that come first (by `precedes`) at the front of
    /// `hits`, in order; what follows them is left unspecified. A radius
    /// query finds a few dozen hits at most for the sizes asked of it: up to
    /// 32 are ranked (`rankFront`), and when equal distances make ranks
    /// collide, or there are more, an insertion sort into the front `n`
    /// orders them; long answers get a full sort.
    private func sortPrefix(_ hits: inout [SlotHit], _ n: Int) {
        guard n > 0 else { return }
        guard hits.count <= 64 else {
            if n == hits.count { hits.sort(by: precedes) } else { partialSort(&hits, n) }
            return
        }
        let ranked = hits.count <= 32 ? hits.withUnsafeMutableBufferPointer { Self.rankFront($0, n) } : false
        if ranked {
            searchPaths.rankedSorts &+= 1
            return
        }
        if hits.count <= 32 { searchPaths.tieSorts &+= 1 }
        hits.withUnsafeMutableBufferPointer { h in
            for i in 1..<h.count {
                let hit = h[i]
                // A hit that does not come before the last of a full front
                // stays where it is.
                if i >= n && !precedes(hit, h[n - 1]) { continue }
                var j = min(i, n - 1)
                if i >= n { h[i] = h[n - 1] }
                while j > 0 && precedes(hit, h[j - 1]) {
                    h[j] = h[j - 1]
                    j -= 1
                }
                h[j] = hit
            }
        }
    }

    /// Orders the front `n` of at most 32 hits by distance without a branch
    /// on the data: a hit's rank is the number of hits strictly nearer
    /// (counted four distances at a time), and a hit of rank below `n` goes
    /// to that place. An insertion sort instead mispredicts about once per
    /// comparison on random distances, and a radius query pays that for
    /// every hit. When two hits of rank below `n` share a rank (an equal
    /// distance, which `precedes` orders by id), nothing is written and the
    /// result is false. Distinct ranks below `n` are exactly 0 ..< n: a hit
    /// of rank r has r nearer hits, of ranks below r.
    static func rankFront(_ h: UnsafeMutableBufferPointer<SlotHit>, _ n: Int) -> Bool {
        let m = h.count
        let front = min(n, m)
        guard front > 0 else { return true }
        // The distances four to a vector, the last one padded with infinity
        // (never nearer than anything).
        let lanes = (m + 3) / 4
        return withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: lanes) { d in
            withUnsafeTemporaryAllocation(of: SlotHit.self, capacity: front) { out in
                d[lanes - 1] = SIMD4(repeating: .infinity)
                let flat = UnsafeMutableRawPointer(d.baseAddress!).assumingMemoryBound(to: Double.self)
                for i in 0..<m { flat[i] = h[i].distance }
                var filled: UInt32 = 0
                var placed = 0
                for i in 0..<m {
                    let di = SIMD4(repeating: flat[i])
                    var nearer = SIMD4<Int64>()
                    for lane in 0..<lanes { nearer &+= SIMD4<Int64>().replacing(with: 1, where: d[lane] .< di) }
                    let rank = Int(nearer.wrappedSum())
                    guard rank < front else { continue }
                    out[rank] = h[i]
                    filled |= 1 &<< UInt32(truncatingIfNeeded: rank)
                    placed &+= 1
                }
                guard placed == front && filled.nonzeroBitCount == front else { return false }
                for i in 0..<front { h[i] = out[i] }
                return true
            }
        }
    }

    /// The first `n` of many hits, in order: a max-heap of the best `n`, then sorted.
    private func partialSort(_ hits: inout [SlotHit], _ n: Int) {
        var heap: [SlotHit] = []
        heap.reserveCapacity(n)
        for hit in hits {
            if heap.count < n {
                pushMax(&heap, hit)
            } else if precedes(hit, heap[0]) {
                replaceMax(&heap, hit)
            }
        }
        heap.sort(by: precedes)
        hits.replaceSubrange(0..<n, with: heap)
    }
}
