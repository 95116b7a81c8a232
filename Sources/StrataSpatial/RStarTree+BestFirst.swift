import CStrataPrefetch

// Best-first k-nearest search over the R*-tree, and the max-heap of hits it
// keeps (also used to order long answers in `RStarTree+Search.swift`).

extension RStarTree {
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
        let (hintBase, hintStride) = hitHint
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
                let raw = UnsafeRawPointer(b)
                for i in 0..<n {
                    let p = raw.load(fromByteOffset: 16 * i, as: SIMD2<Double>.self)
                    if !cover.holds(p) { continue }
                    let lon = p.x
                    let lat = p.y
                    if QueryPoint.exceeds(q.pointBound(latitude: lat, longitude: lon), worstTerm) {
                        continue
                    }
                    let a = q.term(latitude: lat, cosLatitude: cosines[i], longitude: lon)
                    if QueryPoint.exceeds(a, worstTerm) { continue }
                    let d = Haversine.centralAngle(a) * Haversine.earthRadiusMeters
                    guard d <= worst else { continue }
                    let hit = SlotHit(distance: d, term: a, slot: Int32(slots[i]), longitude: lon, latitude: lat)
                    if let idsBase { strata_prefetch(idsBase + Int(hit.slot) * idStride) }
                    if let hintBase { strata_prefetch(hintBase + Int(hit.slot) * hintStride) }
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
                let raw = UnsafeRawPointer(b)
                for i in 0..<n {
                    let low = raw.load(fromByteOffset: 32 * i, as: SIMD2<Double>.self)
                    let high = raw.load(fromByteOffset: 32 * i + 16, as: SIMD2<Double>.self)
                    if !cover.meets(low: low, high: high) { continue }
                    let bound = q.cheapBound(minX: low.x, minY: low.y, maxX: high.x, maxY: high.y)
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
    func pushMax(_ heap: inout [SlotHit], _ hit: SlotHit) {
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
    func replaceMax(_ heap: inout [SlotHit], _ hit: SlotHit) {
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
