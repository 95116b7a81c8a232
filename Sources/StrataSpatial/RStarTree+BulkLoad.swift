extension RStarTree {
    /// Creates a tree holding `entries`, packed by Sort-Tile-Recursive.
    ///
    /// - Throws: `SpatialError.duplicateID` when an id occurs twice.
    public convenience init(bulkLoading entries: [SpatialEntry], maxEntries: Int = 16) throws(SpatialError) {
        self.init(maxEntries: maxEntries)
        try bulkLoad(entries)
    }

    /// Replaces the contents with `entries`, packed by Sort-Tile-Recursive
    /// (Leutenegger, Lopez, Edgington 1997): sort by longitude, cut into
    /// ⌈√P⌉ vertical slices, sort each slice by latitude, pack runs into
    /// nodes; repeat on the node centers until one level fits in the root.
    /// Runs are cut evenly, so every node holds at least m entries. Entry i
    /// takes slot i (owners that keep per-slot data rely on it).
    ///
    /// - Throws: `SpatialError.duplicateID` when an id occurs twice; the tree
    ///   is unchanged then.
    public func bulkLoad(_ entries: [SpatialEntry]) throws(SpatialError) {
        guard !entries.isEmpty else {
            removeAll()
            return
        }
        var newSlotOf: [String: Int32] = [:]
        newSlotOf.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where newSlotOf.updateValue(Int32(i), forKey: e.id) != nil {
            throw SpatialError(.duplicateID, "id \"\(e.id)\" occurs more than once")
        }
        removeAll()
        slotOf = newSlotOf
        ids = entries.map(\.id)
        points = entries.map(\.point)
        leafOfSlot = [Int32](repeating: -1, count: entries.count)
        count = entries.count
        pool.free(root)

        var xs = points.map(\.longitude)
        var ys = points.map(\.latitude)
        // Each level: the refs to pack (slots, then nodes) and their rectangles.
        var refs = (0..<Int32(entries.count)).map { $0 }
        var rects = points.map { Rect(point: $0) }
        var level: Int8 = 0
        pool.reserve(pool.used + entries.count / max(1, minEntries) + 16)
        while true {
            var next: [Int32] = []
            var nextRects: [Rect] = []
            for run in tiles(xs: xs, ys: ys) {
                let node = pool.allocate(level: level)
                var mbr = Rect.empty
                for i in run {
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
            xs = rects.map(\.centerX)
            ys = rects.map(\.centerY)
            level += 1
        }
    }

    /// Groups of indices, each of m…M entries (one group of any size when all fit).
    private func tiles(xs: [Double], ys: [Double]) -> [ArraySlice<Int>] {
        let n = xs.count
        if n <= maxEntries { return [Array(0..<n)[...]] }
        var order = Array(0..<n)
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                order.sort { xs[$0] < xs[$1] || (xs[$0] == xs[$1] && ys[$0] < ys[$1]) }
            }
        }
        let nodeCount = (n + maxEntries - 1) / maxEntries
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        var groups: [ArraySlice<Int>] = []
        groups.reserveCapacity(nodeCount + sliceCount)
        for slice in evenRanges(count: n, parts: sliceCount) {
            xs.withUnsafeBufferPointer { xs in
                ys.withUnsafeBufferPointer { ys in
                    order[slice].sort { ys[$0] < ys[$1] || (ys[$0] == ys[$1] && xs[$0] < xs[$1]) }
                }
            }
            let parts = (slice.count + maxEntries - 1) / maxEntries
            for run in evenRanges(count: slice.count, parts: parts) {
                groups.append(order[(slice.lowerBound + run.lowerBound)..<(slice.lowerBound + run.upperBound)])
            }
        }
        return groups
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
