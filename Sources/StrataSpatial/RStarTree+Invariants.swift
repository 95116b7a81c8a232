#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RStarTree {
    /// Every way the tree breaks its structural rules; empty when it is sound.
    ///
    /// Checks: node sizes within m…M (the root: at most M, and at least 2
    /// children when internal); every rectangle equal to the tight bound of its
    /// child (or its point); parent links and levels; all leaves at one depth;
    /// no node lost or reachable while free; `count` equal to the number of
    /// points; `altitudeCount` equal to the points with an altitude; the slot
    /// tables (id → slot → id, slot → leaf) agreeing with the
    /// leaves and holding nothing else; ids unique.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var points = 0
        var withAltitude = 0
        var nodes = 0
        var seen = Set<String>()
        if pool.parent(root) != nil { problems.append("the root has a parent") }
        if pool.isFree(root) { problems.append("the root is a free node") }
        if pool.level(root) > 0 && pool.count(root) < 2 {
            problems.append("the internal root has \(pool.count(root)) children")
        }

        func visit(_ node: Int32, depth: Int, path: String) {
            nodes += 1
            let n = pool.count(node)
            if pool.isFree(node) {
                problems.append("\(path): node \(node) is free but reachable")
                return
            }
            if Int(pool.level(node)) != height - 1 - depth {
                problems.append("\(path): level \(pool.level(node)) at depth \(depth), height is \(height)")
                return
            }
            if n > maxEntries { problems.append("\(path): \(n) entries, more than M = \(maxEntries)") }
            if node != root && n < minEntries { problems.append("\(path): \(n) entries, fewer than m = \(minEntries)") }
            if pool.level(node) == 0 {
                for i in 0..<n {
                    points += 1
                    let slot = pool.ref(node, i)
                    guard slot >= 0 && Int(slot) < ids.count else {
                        problems.append("\(path)[\(i)]: slot \(slot) out of range")
                        continue
                    }
                    let id = ids[Int(slot)]
                    if self.points[Int(slot)].altitude != nil { withAltitude += 1 }
                    if !seen.insert(id).inserted { problems.append("\(path): id \"\(id)\" occurs twice") }
                    if pool.rect(node, i) != Rect(point: self.points[Int(slot)]) {
                        problems.append(
                            "\(path)[\(i)]: rectangle \(pool.rect(node, i)) is not the point \(self.points[Int(slot)])")
                    }
                    let cosine = pool.leafCosines(node)[i]
                    if cosine != cos(pool.rect(node, i).minY * Haversine.radiansPerDegree) {
                        problems.append("\(path)[\(i)]: latitude cosine \(cosine) is stale")
                    }
                    if slotOf[id] != slot { problems.append("\(path)[\(i)]: the id map does not lead to \"\(id)\"") }
                    if leafOfSlot[Int(slot)] != node {
                        problems.append("\(path)[\(i)]: slot \(slot) names another leaf")
                    }
                }
            } else {
                for i in 0..<n {
                    let child = pool.ref(node, i)
                    guard child >= 0 && Int(child) < pool.used else {
                        problems.append("\(path)/\(i): node \(child) out of range")
                        continue
                    }
                    if pool.parent(child) != node { problems.append("\(path)/\(i): wrong parent link") }
                    if pool.count(child) == 0 { problems.append("\(path)/\(i): empty node") }
                    if pool.rect(node, i) != pool.computeMBR(child) {
                        problems.append(
                            "\(path)/\(i): rectangle \(pool.rect(node, i)) is not tight (\(pool.computeMBR(child)))")
                    }
                    visit(child, depth: depth + 1, path: "\(path)/\(i)")
                }
            }
        }
        visit(root, depth: 0, path: "root")
        if points != count { problems.append("count is \(count) but the leaves hold \(points) points") }
        if altitudeCount != withAltitude {
            problems.append("altitudeCount is \(altitudeCount) but \(withAltitude) points have an altitude")
        }
        if slotOf.count != points { problems.append("the id map holds \(slotOf.count) ids for \(points) points") }
        if ids.count != points + freeSlots.count {
            problems.append("\(ids.count) slots for \(points) points and \(freeSlots.count) free slots")
        }
        for slot in freeSlots where Int(slot) < leafOfSlot.count && leafOfSlot[Int(slot)] >= 0 {
            problems.append("free slot \(slot) names a leaf")
        }
        if nodes != pool.liveCount { problems.append("\(pool.liveCount) nodes in use, \(nodes) reachable") }
        return problems
    }
}
