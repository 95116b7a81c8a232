extension RStarTree {
    /// The R* split of an overfull node (M + 1 entries).
    ///
    /// 1. ChooseSplitAxis: for each axis, sort the entries by lower and by
    ///    upper edge; sum the margins of both groups over every distribution
    ///    (first group of m … M + 1 − m entries); take the axis with the least sum.
    /// 2. ChooseSplitIndex: on that axis, the distribution with the least
    ///    overlap between the groups, then the least total area.
    ///
    /// The node keeps the first group; the returned new node holds the second.
    func split(_ node: Int32) -> Int32 {
        let n = pool.count(node)
        let m = minEntries
        let rects = (0..<n).map { pool.rect(node, $0) }
        let refs = (0..<n).map { pool.ref(node, $0) }

        func sorted(axis: Int, byUpper: Bool) -> [Int] {
            (0..<n).sorted { a, b in
                let ra = rects[a]
                let rb = rects[b]
                let (ka, kb, ta, tb) =
                    axis == 0
                    ? (byUpper ? ra.maxX : ra.minX, byUpper ? rb.maxX : rb.minX, ra.minY, rb.minY)
                    : (byUpper ? ra.maxY : ra.minY, byUpper ? rb.maxY : rb.minY, ra.minX, rb.minX)
                if ka != kb { return ka < kb }
                if ta != tb { return ta < tb }
                return a < b
            }
        }

        var prefix = [Rect](repeating: .empty, count: n)
        var suffix = [Rect](repeating: .empty, count: n)
        /// prefix[k] bounds order[0...k]; suffix[k] bounds order[k...].
        func bounds(_ order: [Int]) {
            var acc = Rect.empty
            for k in 0..<n {
                acc = acc.union(rects[order[k]])
                prefix[k] = acc
            }
            acc = .empty
            for k in stride(from: n - 1, through: 0, by: -1) {
                acc = acc.union(rects[order[k]])
                suffix[k] = acc
            }
        }

        var bestAxis = 0
        var bestMargin = Double.infinity
        var orders: [[Int]] = []
        for axis in 0..<2 {
            var marginSum = 0.0
            for byUpper in [false, true] {
                let order = sorted(axis: axis, byUpper: byUpper)
                orders.append(order)
                bounds(order)
                for k in m...(n - m) { marginSum += prefix[k - 1].margin + suffix[k].margin }
            }
            if marginSum < bestMargin {
                bestMargin = marginSum
                bestAxis = axis
            }
        }

        var bestOrder = orders[2 * bestAxis]
        var bestSplit = m
        var bestOverlap = Double.infinity
        var bestArea = Double.infinity
        for order in orders[(2 * bestAxis)..<(2 * bestAxis + 2)] {
            bounds(order)
            for k in m...(n - m) {
                let overlap = prefix[k - 1].overlap(suffix[k])
                let area = prefix[k - 1].area + suffix[k].area
                if overlap < bestOverlap || (overlap == bestOverlap && area < bestArea) {
                    bestOverlap = overlap
                    bestArea = area
                    bestOrder = order
                    bestSplit = k
                }
            }
        }

        let sibling = pool.allocate(level: pool.level(node))
        // Rewrite the node with the first group, then fill the sibling.
        pool.clear(node)
        for (position, i) in bestOrder.enumerated() {
            append(rects[i], ref: refs[i], to: position < bestSplit ? node : sibling)
        }
        return sibling
    }
}
