extension RStarTree {
    /// Creates a tree holding `entries`, packed by Sort-Tile-Recursive.
    ///
    /// - Throws: `SpatialError.duplicateID` when an id occurs twice.
    public convenience init(bulkLoading entries: [SpatialEntry], maxEntries: Int = 32) throws(SpatialError) {
        self.init(maxEntries: maxEntries)
        try bulkLoad(entries)
    }

    /// Replaces the contents with `entries`, packed by Sort-Tile-Recursive
    /// (Leutenegger, Lopez, Edgington 1997): sort by longitude, cut into
    /// ⌈√P⌉ vertical slices, sort each slice by latitude, pack runs into
    /// nodes; repeat on the node centers until one level fits in the root.
    /// Runs are cut evenly, so every node holds at least m entries. Slots are
    /// numbered in leaf order (owners that keep per-slot data look them up).
    ///
    /// - Throws: `SpatialError.duplicateID` when an id occurs twice; the tree
    ///   is unchanged then.
    public func bulkLoad(_ entries: [SpatialEntry]) throws(SpatialError) {
        guard !entries.isEmpty else {
            removeAll()
            return
        }
        // Slots follow the leaf order, so that the ids and points of one
        // leaf's hits sit together in memory.
        let leafOrder = tiles(entries.map { Rect(point: $0.point) })
        var newSlotOf: [String: Int32] = [:]
        newSlotOf.reserveCapacity(entries.count)
        for (slot, item) in leafOrder.enumerated() {
            let id = entries[Int(item.index)].id
            if newSlotOf.updateValue(Int32(slot), forKey: id) != nil {
                throw SpatialError(.duplicateID, "id \"\(id)\" occurs more than once")
            }
        }
        removeAll()
        slotOf = newSlotOf
        ids = leafOrder.map { entries[Int($0.index)].id }
        points = leafOrder.map { entries[Int($0.index)].point }
        altitudeCount = points.reduce(0) { $0 + ($1.altitude == nil ? 0 : 1) }
        leafOfSlot = [Int32](repeating: -1, count: entries.count)
        count = entries.count
        pool.free(root)

        // Each level: the refs to pack (slots, then nodes) and their rectangles.
        // The slots are already in tile order, which the first sort keeps.
        var refs = (0..<Int32(entries.count)).map { $0 }
        var rects = points.map { Rect(point: $0) }
        var level: Int8 = 0
        pool.reserve(pool.used + entries.count / max(1, minEntries) + 16)
        while true {
            var next: [Int32] = []
            var nextRects: [Rect] = []
            let items = tiles(rects)
            next.reserveCapacity(items.count / maxEntries + 1)
            forEachRun(items.count) { run in
                let node = pool.allocate(level: level)
                var mbr = Rect.empty
                for k in run {
                    let i = Int(items[k].index)
                    append(rects[i], ref: refs[i], to: node)
                    mbr = mbr.union(rects[i])
                }
                next.append(node)
                nextRects.append(mbr)
            }
            if next.count == 1 {
                root = next[0]
                height = Int(level) + 1
                return
            }
            refs = next
            rects = nextRects
            level += 1
        }
    }

    /// A rectangle's center and its position in the level being packed.
    struct TileItem {
        var x: Double
        var y: Double
        var index: Int32
    }

    /// The rectangles' centers in Sort-Tile-Recursive order: sorted by x,
    /// cut into ⌈√P⌉ slices of whole runs, each slice sorted by y. Consecutive
    /// runs of `forEachRun` are then the nodes. Items carry their coordinates,
    /// so the sorts read memory in order.
    private func tiles(_ rects: [Rect]) -> [TileItem] {
        let n = rects.count
        var items = rects.indices.map { TileItem(x: rects[$0].centerX, y: rects[$0].centerY, index: Int32($0)) }
        if n <= maxEntries { return items }
        items.sort { $0.x < $1.x || ($0.x == $1.x && ($0.y < $1.y || ($0.y == $1.y && $0.index < $1.index))) }
        let nodeCount = (n + maxEntries - 1) / maxEntries
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        for slice in sliceRanges(count: n, slices: sliceCount) {
            items[slice].sort {
                $0.y < $1.y || ($0.y == $1.y && ($0.x < $1.x || ($0.x == $1.x && $0.index < $1.index)))
            }
        }
        return items
    }

    /// The slices of `tiles`: `count` items cut into `slices` parts whose
    /// sizes differ by at most one, each then cut into runs by `forEachRun`.
    private func sliceRanges(count: Int, slices: Int) -> [Range<Int>] { evenRanges(count: count, parts: slices) }

    /// Calls `body` with every run (node) of a level of `count` items, in
    /// order: each slice cut evenly into runs of at most M, so every run holds
    /// at least m entries.
    private func forEachRun(_ count: Int, _ body: (Range<Int>) -> Void) {
        if count <= maxEntries {
            body(0..<count)
            return
        }
        let nodeCount = (count + maxEntries - 1) / maxEntries
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        for slice in sliceRanges(count: count, slices: sliceCount) {
            let parts = (slice.count + maxEntries - 1) / maxEntries
            for run in evenRanges(count: slice.count, parts: parts) {
                body((slice.lowerBound + run.lowerBound)..<(slice.lowerBound + run.upperBound))
            }
        }
    }

    /// `count` items cut into `parts` consecutive ranges whose sizes differ by at most one.
    private func evenRanges(count: Int, parts: Int) -> [Range<Int>] {
        let base = count / parts
        let extra = count % parts
        var ranges: [Range<Int>] = []
        var start = 0
        for p in 0..<parts {
            let size = base + (p < extra ? 1 : 0)
            ranges.append(start..<(start + size))
            start += size
        }
        return ranges
    }
}
