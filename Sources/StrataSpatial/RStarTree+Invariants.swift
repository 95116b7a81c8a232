extension RStarTree {
    /// Every way the tree breaks its structural rules; empty when it is sound.
    ///
    /// Checks: node sizes within m…M (the root: at most M, and at least 2
    /// children when internal); every rectangle equal to the tight bound of its
    /// child (or its point); parent links; all leaves at one depth; `count`
    /// equal to the number of points; the id map pointing at each id's leaf
    /// and holding nothing else; ids unique.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var points = 0
        var seen = Set<String>()
        if root.parent != nil { problems.append("the root has a parent") }
        if !root.isLeaf && root.count < 2 { problems.append("the internal root has \(root.count) children") }

        func visit(_ node: RStarNode, depth: Int, path: String) {
            let n = node.count
            if node.mbrs.count % 4 != 0 { problems.append("\(path): \(node.mbrs.count) rectangle values") }
            if n > maxEntries { problems.append("\(path): \(n) entries, more than M = \(maxEntries)") }
            if node !== root && n < minEntries { problems.append("\(path): \(n) entries, fewer than m = \(minEntries)") }
            if node.isLeaf {
                if depth != height - 1 { problems.append("\(path): leaf at depth \(depth), height is \(height)") }
                if node.ids.count != n || node.points.count != n || !node.children.isEmpty {
                    problems.append("\(path): \(node.ids.count) ids, \(node.points.count) points, \(n) rectangles")
                    return
                }
                for i in 0..<n {
                    points += 1
                    let id = node.ids[i]
                    if !seen.insert(id).inserted { problems.append("\(path): id \"\(id)\" occurs twice") }
                    if node.rect(i) != Rect(point: node.points[i]) {
                        problems.append("\(path)[\(i)]: rectangle \(node.rect(i)) is not the point \(node.points[i])")
                    }
                    if leafOf[id] !== node { problems.append("\(path)[\(i)]: the id map does not lead to \"\(id)\"") }
                }
            } else {
                if depth >= height - 1 { problems.append("\(path): internal node at depth \(depth), height is \(height)") }
                if node.children.count != n || !node.ids.isEmpty {
                    problems.append("\(path): \(node.children.count) children, \(n) rectangles")
                    return
                }
                for i in 0..<n {
                    let child = node.children[i]
                    if child.parent !== node { problems.append("\(path)/\(i): wrong parent link") }
                    if child.count == 0 { problems.append("\(path)/\(i): empty node") }
                    if node.rect(i) != child.computeMBR() {
                        problems.append("\(path)/\(i): rectangle \(node.rect(i)) is not tight (\(child.computeMBR()))")
                    }
                    visit(child, depth: depth + 1, path: "\(path)/\(i)")
                }
            }
        }
        visit(root, depth: 0, path: "root")
        if points != count { problems.append("count is \(count) but the leaves hold \(points) points") }
        if leafOf.count != points { problems.append("the id map holds \(leafOf.count) ids for \(points) points") }
        return problems
    }
}
