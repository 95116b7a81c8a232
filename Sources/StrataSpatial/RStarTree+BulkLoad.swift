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
    /// Runs are cut evenly, so every node holds at least m entries.
    ///
    /// - Throws: `SpatialError.duplicateID` when an id occurs twice; the tree
    ///   is unchanged then.
    public func bulkLoad(_ entries: [SpatialEntry]) throws(SpatialError) {
        guard !entries.isEmpty else {
            removeAll()
            return
        }
        var xs = [Double](repeating: 0, count: entries.count)
        var ys = [Double](repeating: 0, count: entries.count)
        for (i, e) in entries.enumerated() {
            xs[i] = e.point.longitude
            ys[i] = e.point.latitude
        }
        var newLeafOf: [String: RStarNode] = [:]
        newLeafOf.reserveCapacity(entries.count)
        var level: [RStarNode] = []
        for group in tiles(xs: xs, ys: ys) {
            let leaf = RStarNode(isLeaf: true, capacity: maxEntries)
            for i in group {
                let e = entries[i]
                leaf.appendRect(Rect(point: e.point))
                leaf.ids.append(e.id)
                leaf.points.append(e.point)
                if newLeafOf.updateValue(leaf, forKey: e.id) != nil {
                    throw SpatialError(.duplicateID, "id \"\(e.id)\" occurs more than once")
                }
            }
            level.append(leaf)
        }
        var newHeight = 1
        while level.count > 1 {
            let rects = level.map { $0.computeMBR() }
            let groups = tiles(xs: rects.map(\.centerX), ys: rects.map(\.centerY))
            var next: [RStarNode] = []
            next.reserveCapacity(groups.count)
            for group in groups {
                let node = RStarNode(isLeaf: false, capacity: maxEntries)
                for i in group {
                    node.appendRect(rects[i])
                    node.children.append(level[i])
                    level[i].parent = node
                }
                next.append(node)
            }
            level = next
            newHeight += 1
        }
        root = level[0]
        root.parent = nil
        height = newHeight
        leafOf = newLeafOf
        count = entries.count
    }

    /// Groups of indices, each of m…M entries (one group of any size when all fit).
    private func tiles(xs: [Double], ys: [Double]) -> [[Int]] {
        let n = xs.count
        if n <= maxEntries { return [Array(0..<n)] }
        var order = Array(0..<n)
        order.sort { xs[$0] < xs[$1] || (xs[$0] == xs[$1] && ys[$0] < ys[$1]) }
        let nodeCount = (n + maxEntries - 1) / maxEntries
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        var groups: [[Int]] = []
        groups.reserveCapacity(nodeCount + sliceCount)
        for slice in evenRanges(count: n, parts: sliceCount) {
            order[slice].sort { ys[$0] < ys[$1] || (ys[$0] == ys[$1] && xs[$0] < xs[$1]) }
            let parts = (slice.count + maxEntries - 1) / maxEntries
            for run in evenRanges(count: slice.count, parts: parts) {
                groups.append(Array(order[(slice.lowerBound + run.lowerBound)..<(slice.lowerBound + run.upperBound)]))
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
