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
    func split(_ node: RStarNode) -> RStarNode {
        let n = node.count
        let m = minEntries
        let rects = (0..<n).map { node.rect($0) }

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

        /// prefix[k] bounds order[0...k]; suffix[k] bounds order[k...].
        func bounds(_ order: [Int]) -> (prefix: [Rect], suffix: [Rect]) {
            var prefix = [Rect](repeating: .empty, count: n)
            var suffix = [Rect](repeating: .empty, count: n)
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
            return (prefix, suffix)
        }

        var bestAxis = 0
        var bestMargin = Double.infinity
        var candidates: [[[Int]]] = [[], []]
        for axis in 0..<2 {
            var marginSum = 0.0
            for byUpper in [false, true] {
                let order = sorted(axis: axis, byUpper: byUpper)
                candidates[axis].append(order)
                let (prefix, suffix) = bounds(order)
                for k in m...(n - m) { marginSum += prefix[k - 1].margin + suffix[k].margin }
            }
            if marginSum < bestMargin {
                bestMargin = marginSum
                bestAxis = axis
            }
        }

        var bestOrder = candidates[bestAxis][0]
        var bestSplit = m
        var bestOverlap = Double.infinity
        var bestArea = Double.infinity
        for order in candidates[bestAxis] {
            let (prefix, suffix) = bounds(order)
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

        let sibling = RStarNode(isLeaf: node.isLeaf, capacity: maxEntries)
        let oldMBRs = node.mbrs
        node.mbrs.removeAll(keepingCapacity: true)
        if node.isLeaf {
            let oldIDs = node.ids
            let oldPoints = node.points
            node.ids.removeAll(keepingCapacity: true)
            node.points.removeAll(keepingCapacity: true)
            for (position, i) in bestOrder.enumerated() {
                let target = position < bestSplit ? node : sibling
                target.mbrs.append(contentsOf: oldMBRs[(4 * i)..<(4 * i + 4)])
                target.ids.append(oldIDs[i])
                target.points.append(oldPoints[i])
                if target === sibling { leafOf[oldIDs[i]] = sibling }
            }
        } else {
            let oldChildren = node.children
            node.children.removeAll(keepingCapacity: true)
            for (position, i) in bestOrder.enumerated() {
                let target = position < bestSplit ? node : sibling
                target.mbrs.append(contentsOf: oldMBRs[(4 * i)..<(4 * i + 4)])
                target.children.append(oldChildren[i])
                oldChildren[i].parent = target
            }
        }
        return sibling
    }
}
