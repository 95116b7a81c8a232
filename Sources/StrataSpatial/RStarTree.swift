/// An axis-aligned rectangle in (longitude, latitude) degrees: x is longitude, y latitude.
/// Rectangles inside the tree never wrap; the antimeridian is handled by the queries.
struct Rect: Equatable {
    var minX: Double
    var minY: Double
    var maxX: Double
    var maxY: Double

    @inline(__always) init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    @inline(__always) init(point: GeoPoint) {
        self.init(minX: point.longitude, minY: point.latitude, maxX: point.longitude, maxY: point.latitude)
    }

    static let empty = Rect(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    @inline(__always) var area: Double { (maxX - minX) * (maxY - minY) }
    @inline(__always) var margin: Double { (maxX - minX) + (maxY - minY) }
    @inline(__always) var centerX: Double { (minX + maxX) / 2 }
    @inline(__always) var centerY: Double { (minY + maxY) / 2 }

    @inline(__always) func union(_ o: Rect) -> Rect {
        Rect(minX: min(minX, o.minX), minY: min(minY, o.minY), maxX: max(maxX, o.maxX), maxY: max(maxY, o.maxY))
    }

    @inline(__always) func overlap(_ o: Rect) -> Double {
        let w = min(maxX, o.maxX) - max(minX, o.minX)
        let h = min(maxY, o.maxY) - max(minY, o.minY)
        return w > 0 && h > 0 ? w * h : 0
    }

    @inline(__always) func contains(_ o: Rect) -> Bool {
        minX <= o.minX && minY <= o.minY && maxX >= o.maxX && maxY >= o.maxY
    }
}

/// A node of the R*-tree. Entry `i` has its rectangle at `mbrs[4i ..< 4i+4]`
/// (minLon, minLat, maxLon, maxLat), contiguous so that searches scan one array:
///
/// ```
///   mbrs:     [x0 y0 X0 Y0 | x1 y1 X1 Y1 | …]     one rectangle per entry
///   leaf:     ids[i], points[i]                    (rectangle = the point)
///   internal: children[i]                          (rectangle = the child's tight MBR)
/// ```
final class RStarNode {
    let isLeaf: Bool
    // Exclusivity is not checked at run time on these arrays: the tree is not
    // shared across threads (see `SpatialIndex`) and no access overlaps another,
    // while the dynamic checks cost more than the searches themselves.
    @exclusivity(unchecked) var mbrs: [Double] = []
    @exclusivity(unchecked) var children: [RStarNode] = []
    @exclusivity(unchecked) var ids: [String] = []
    @exclusivity(unchecked) var points: [GeoPoint] = []
    /// The node holding this one; nil for the root. Not `weak`: a weak reference
    /// gives every node a side table and sends each retain and release down the
    /// slow path. The tree owns every node through `root`, a parent always outlives
    /// a linked child, and every unlink (split, condense, root collapse) resets the link.
    unowned(unsafe) var parent: RStarNode?

    init(isLeaf: Bool, capacity: Int) {
        self.isLeaf = isLeaf
        mbrs.reserveCapacity(4 * (capacity + 1))
        if isLeaf {
            ids.reserveCapacity(capacity + 1)
            points.reserveCapacity(capacity + 1)
        } else {
            children.reserveCapacity(capacity + 1)
        }
    }

    @inline(__always) var count: Int { mbrs.count / 4 }

    @inline(__always) func rect(_ i: Int) -> Rect {
        Rect(minX: mbrs[4 * i], minY: mbrs[4 * i + 1], maxX: mbrs[4 * i + 2], maxY: mbrs[4 * i + 3])
    }

    @inline(__always) func setRect(_ i: Int, _ r: Rect) {
        mbrs[4 * i] = r.minX
        mbrs[4 * i + 1] = r.minY
        mbrs[4 * i + 2] = r.maxX
        mbrs[4 * i + 3] = r.maxY
    }

    @inline(__always) func appendRect(_ r: Rect) {
        mbrs.append(r.minX)
        mbrs.append(r.minY)
        mbrs.append(r.maxX)
        mbrs.append(r.maxY)
    }

    /// The tight rectangle around every entry.
    func computeMBR() -> Rect {
        var r = Rect.empty
        for i in 0..<count { r = r.union(rect(i)) }
        return r
    }

    /// Removes entry `i` by moving the last entry into its place.
    func removeEntry(at i: Int) -> RStarTree.Entry {
        let last = count - 1
        let r = rect(i)
        if i != last { setRect(i, rect(last)) }
        mbrs.removeLast(4)
        if isLeaf {
            ids.swapAt(i, last)
            points.swapAt(i, last)
            return .point(id: ids.removeLast(), point: points.removeLast())
        } else {
            children.swapAt(i, last)
            return .node(children.removeLast(), r)
        }
    }

    func index(ofChild child: RStarNode) -> Int {
        guard let i = children.firstIndex(where: { $0 === child }) else {
            preconditionFailure("R*-tree: a node is missing from its parent")
        }
        return i
    }
}

/// An in-memory R*-tree (Beckmann, Kriegel, Schneider, Seeger 1990) over
/// points in (longitude, latitude) degrees.
///
/// - Insertion: ChooseSubtree by least overlap enlargement just above the
///   leaves and least area enlargement higher up; on overflow, forced
///   reinsertion of 30% of the entries once per level per insertion, else the
///   R* split (axis by margin sum, distribution by overlap then area).
/// - Deletion condenses the tree and reinserts the points of underfull nodes.
/// - `bulkLoad` packs by Sort-Tile-Recursive.
/// - Distance queries run best-first over a priority queue keyed by an exact
///   great-circle lower bound from the query to each rectangle, so they are
///   correct across the antimeridian and at the poles.
/// - A dictionary from id to leaf makes `remove` and `move` by id fast.
///
/// Not thread-safe: searches reuse a buffer owned by the tree. See `SpatialIndex`.
public final class RStarTree: SpatialIndex {
    enum Entry {
        case point(id: String, point: GeoPoint)
        case node(RStarNode, Rect)

        var rect: Rect {
            switch self {
            case .point(_, let p): Rect(point: p)
            case .node(_, let r): r
            }
        }
    }

    /// The most entries a node holds (M).
    public let maxEntries: Int
    /// The fewest entries a node other than the root holds (m = 40% of M).
    public let minEntries: Int
    /// The number of objects.
    public internal(set) var count = 0

    var root: RStarNode
    /// Levels: leaves are level 0, the root is level `height - 1`.
    var height = 1
    @exclusivity(unchecked) var leafOf: [String: RStarNode] = [:]
    /// Levels already treated by forced reinsertion during the current insertion.
    private var reinsertedLevels: UInt64 = 0
    /// The best-first queue, kept between searches to avoid allocating.
    @exclusivity(unchecked) var queue = NodeQueue()

    /// Creates an empty tree.
    ///
    /// - Parameter maxEntries: the node capacity M, 4…255 (32 measured best
    ///   at a million points); traps otherwise
    ///   (a programming error).
    public init(maxEntries: Int = 32) {
        precondition((4...255).contains(maxEntries), "R*-tree node capacity \(maxEntries) is outside 4…255")
        self.maxEntries = maxEntries
        self.minEntries = max(2, maxEntries * 2 / 5)
        root = RStarNode(isLeaf: true, capacity: maxEntries)
    }

    /// The position of an object, if present.
    public func point(for id: String) -> GeoPoint? {
        guard let leaf = leafOf[id], let i = leaf.ids.firstIndex(of: id) else { return nil }
        return leaf.points[i]
    }

    /// Removes every object.
    public func removeAll() {
        root = RStarNode(isLeaf: true, capacity: maxEntries)
        height = 1
        leafOf = [:]
        count = 0
    }

    // MARK: - Insertion

    /// Adds an object.
    ///
    /// - Throws: `SpatialError.duplicateID` when the id is present.
    public func insert(id: String, point: GeoPoint) throws(SpatialError) {
        guard leafOf[id] == nil else {
            throw SpatialError(.duplicateID, "id \"\(id)\" is already in the index")
        }
        insertPoint(id: id, point: point)
        count += 1
    }

    private func insertPoint(id: String, point: GeoPoint) {
        reinsertedLevels = 0
        insert(.point(id: id, point: point), atLevel: 0)
    }

    /// Inserts an entry into a node at `level` (0: a point into a leaf).
    private func insert(_ entry: Entry, atLevel level: Int) {
        let rect = entry.rect
        var path: [RStarNode] = [root]
        var slots: [Int] = []
        path.reserveCapacity(height)
        slots.reserveCapacity(height)
        var node = root
        var nodeLevel = height - 1
        while nodeLevel > level {
            let i = chooseSubtree(node, for: rect, childrenAreLeaves: nodeLevel == 1)
            slots.append(i)
            node = node.children[i]
            path.append(node)
            nodeLevel -= 1
        }
        append(entry, to: node)
        for j in stride(from: path.count - 2, through: 0, by: -1) {
            let parent = path[j]
            let old = parent.rect(slots[j])
            let new = old.union(rect)
            if new == old { break }
            parent.setRect(slots[j], new)
        }
        // Overflow treatment, bottom-up.
        var j = path.count - 1
        while path[j].count > maxEntries {
            let nodeLevel = height - 1 - j
            if j > 0 && reinsertedLevels & (1 << UInt64(nodeLevel)) == 0 {
                reinsertedLevels |= 1 << UInt64(nodeLevel)
                forceReinsert(path: path, slots: slots, depth: j, level: nodeLevel)
                return
            }
            let sibling = split(path[j])
            if j == 0 {
                let newRoot = RStarNode(isLeaf: false, capacity: maxEntries)
                append(.node(path[j], path[j].computeMBR()), to: newRoot)
                append(.node(sibling, sibling.computeMBR()), to: newRoot)
                root = newRoot
                height += 1
                return
            }
            let parent = path[j - 1]
            parent.setRect(slots[j - 1], path[j].computeMBR())
            append(.node(sibling, sibling.computeMBR()), to: parent)
            j -= 1
        }
    }

    func append(_ entry: Entry, to node: RStarNode) {
        switch entry {
        case .point(let id, let point):
            node.appendRect(Rect(point: point))
            node.ids.append(id)
            node.points.append(point)
            leafOf[id] = node
        case .node(let child, let rect):
            node.appendRect(rect)
            node.children.append(child)
            child.parent = node
        }
    }

    /// The child of `node` that should receive `rect`.
    private func chooseSubtree(_ node: RStarNode, for rect: Rect, childrenAreLeaves: Bool) -> Int {
        let n = node.count
        var best = 0
        var bestEnlargement = Double.infinity
        var bestArea = Double.infinity
        if childrenAreLeaves {
            // A child that already holds the rectangle adds no overlap: take the smallest.
            var found = false
            for i in 0..<n {
                let r = node.rect(i)
                if r.contains(rect) && (!found || r.area < bestArea) {
                    found = true
                    best = i
                    bestArea = r.area
                }
            }
            if found { return best }
            // Least overlap enlargement among the candidates with least area enlargement
            // (the R* paper's cheaper variant, limited to 8 candidates).
            var candidates: [(enlargement: Double, index: Int)] = []
            candidates.reserveCapacity(n)
            for i in 0..<n {
                let r = node.rect(i)
                candidates.append((r.union(rect).area - r.area, i))
            }
            candidates.sort { $0.enlargement < $1.enlargement || ($0.enlargement == $1.enlargement && $0.index < $1.index) }
            var bestOverlap = Double.infinity
            for c in candidates.prefix(8) {
                let r = node.rect(c.index)
                let grown = r.union(rect)
                var overlap = 0.0
                for k in 0..<n where k != c.index {
                    let o = node.rect(k)
                    overlap += grown.overlap(o) - r.overlap(o)
                }
                if overlap < bestOverlap
                    || (overlap == bestOverlap
                        && (c.enlargement < bestEnlargement || (c.enlargement == bestEnlargement && r.area < bestArea)))
                {
                    best = c.index
                    bestOverlap = overlap
                    bestEnlargement = c.enlargement
                    bestArea = r.area
                }
            }
            return best
        }
        for i in 0..<n {
            let r = node.rect(i)
            let area = r.area
            let enlargement = r.union(rect).area - area
            if enlargement < bestEnlargement || (enlargement == bestEnlargement && area < bestArea) {
                best = i
                bestEnlargement = enlargement
                bestArea = area
            }
        }
        return best
    }

    /// Removes the 30% of entries farthest from the node's center and inserts
    /// them again, nearest first ("close reinsert").
    private func forceReinsert(path: [RStarNode], slots: [Int], depth: Int, level: Int) {
        let node = path[depth]
        let center = node.computeMBR()
        let cx = center.centerX
        let cy = center.centerY
        var order = (0..<node.count).map { i -> (distance: Double, index: Int) in
            let r = node.rect(i)
            let dx = r.centerX - cx
            let dy = r.centerY - cy
            return (dx * dx + dy * dy, i)
        }
        order.sort { $0.distance > $1.distance || ($0.distance == $1.distance && $0.index > $1.index) }
        let p = max(1, maxEntries * 3 / 10)
        let removed = order.prefix(p).map(\.index).sorted(by: >)
        var entries: [Entry] = []
        entries.reserveCapacity(p)
        for i in removed { entries.append(node.removeEntry(at: i)) }
        // Tighten the rectangles on the path.
        for j in stride(from: depth - 1, through: 0, by: -1) {
            path[j].setRect(slots[j], path[j + 1].computeMBR())
        }
        // `entries` holds the farthest first (by index order, re-sort by distance).
        let distanceOf = Dictionary(uniqueKeysWithValues: order.map { ($0.index, $0.distance) })
        let byDistance = zip(removed, entries).sorted { distanceOf[$0.0]! < distanceOf[$1.0]! }
        for (_, entry) in byDistance { insert(entry, atLevel: level) }
    }

    // MARK: - Deletion

    /// Removes an object; returns whether it was present.
    @discardableResult
    public func remove(id: String) -> Bool {
        guard let leaf = leafOf.removeValue(forKey: id) else { return false }
        guard let i = leaf.ids.firstIndex(of: id) else {
            preconditionFailure("R*-tree: id \"\(id)\" is missing from its leaf")
        }
        _ = leaf.removeEntry(at: i)
        count -= 1
        condense(from: leaf)
        return true
    }

    /// Walks up from a leaf that lost an entry: detaches underfull nodes,
    /// tightens rectangles, shortens the tree, and reinserts orphaned points.
    private func condense(from leaf: RStarNode) {
        var orphans: [(String, GeoPoint)] = []
        var node = leaf
        while let parent = node.parent {
            let i = parent.index(ofChild: node)
            if node.count < minEntries {
                _ = parent.removeEntry(at: i)
                node.parent = nil
                collectPoints(node, into: &orphans)
            } else {
                let r = node.computeMBR()
                if parent.rect(i) == r {
                    node = parent
                    // Above an unchanged rectangle nothing changes, unless a node was removed below.
                    if orphans.isEmpty { break }
                    continue
                }
                parent.setRect(i, r)
            }
            node = parent
        }
        while !root.isLeaf && root.count == 1 {
            root = root.children[0]
            root.parent = nil
            height -= 1
        }
        if !root.isLeaf && root.count == 0 {
            root = RStarNode(isLeaf: true, capacity: maxEntries)
            height = 1
        }
        for (id, point) in orphans { insertPoint(id: id, point: point) }
    }

    private func collectPoints(_ node: RStarNode, into out: inout [(String, GeoPoint)]) {
        if node.isLeaf {
            for i in 0..<node.ids.count { out.append((node.ids[i], node.points[i])) }
        } else {
            for child in node.children { collectPoints(child, into: &out) }
        }
    }

    // MARK: - Moving

    /// Moves an object, inserting it when absent. A move that stays inside its
    /// leaf's rectangle updates the leaf in place.
    public func move(id: String, to point: GeoPoint) {
        guard let leaf = leafOf[id] else {
            insertPoint(id: id, point: point)
            count += 1
            return
        }
        let r = Rect(point: point)
        if let parent = leaf.parent {
            let slot = parent.index(ofChild: leaf)
            if parent.rect(slot).contains(r), let i = leaf.ids.firstIndex(of: id) {
                leaf.points[i] = point
                leaf.setRect(i, r)
                tighten(from: leaf)
                return
            }
        } else if let i = leaf.ids.firstIndex(of: id) {
            leaf.points[i] = point
            leaf.setRect(i, r)
            return
        }
        remove(id: id)
        insertPoint(id: id, point: point)
        count += 1
    }

    /// Recomputes rectangles upward from `node` while they change.
    private func tighten(from node: RStarNode) {
        var node = node
        while let parent = node.parent {
            let i = parent.index(ofChild: node)
            let r = node.computeMBR()
            if parent.rect(i) == r { return }
            parent.setRect(i, r)
            node = parent
        }
    }
}
