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

    @inline(__always) func intersects(_ o: Rect) -> Bool {
        minX <= o.maxX && maxX >= o.minX && minY <= o.maxY && maxY >= o.minY
    }
}

/// An in-memory R*-tree (Beckmann, Kriegel, Schneider, Seeger 1990) over
/// points in (longitude, latitude) degrees.
///
/// - Insertion: ChooseSubtree by least overlap enlargement just above the
///   leaves (among the few children of least area enlargement) and least area
///   enlargement higher up; on overflow, forced reinsertion of 30% of the
///   entries once per level per insertion, else the R* split (axis by margin
///   sum, distribution by overlap then area). `InsertionPolicy.fast` skips
///   the overlap weighing and the forced reinsertion.
/// - Deletion condenses the tree and reinserts the points of underfull nodes.
/// - `bulkLoad` packs by Sort-Tile-Recursive.
/// - Radius queries walk the covering box in degrees and compute great-circle
///   distances only for the points inside it; k-nearest and limited radius
///   queries run best-first over a priority queue keyed by a great-circle
///   lower bound from the query to each rectangle. Both are correct across
///   the antimeridian and at the poles.
///
/// Storage is a flat pool, so that no search touches a reference count and
/// no insertion copies an array (see `NodePool`). Objects live in slots: the
/// leaves hold slot numbers, and per slot the tree keeps the id, the position
/// and the leaf, so `remove` and `move` by id cost one hash lookup.
///
/// Not thread-safe: searches reuse buffers owned by the tree. See `SpatialIndex`.
public final class RStarTree: SpatialIndex {
    /// The most entries a node holds (M).
    public let maxEntries: Int
    /// The fewest entries a node other than the root holds (m = 40% of M).
    public let minEntries: Int
    /// The number of objects.
    @exclusivity(unchecked) public internal(set) var count = 0

    let pool: NodePool
    /// The root node.
    @exclusivity(unchecked) var root: Int32
    /// Levels: leaves are level 0, the root is level `height - 1`.
    @exclusivity(unchecked) var height = 1

    /// Object slots: id → slot, and per slot its id, position and leaf.
    @exclusivity(unchecked) var slotOf: [String: Int32] = [:]
    @exclusivity(unchecked) var ids: [String] = []
    @exclusivity(unchecked) var points: [GeoPoint] = []
    @exclusivity(unchecked) var leafOfSlot: [Int32] = []
    @exclusivity(unchecked) var freeSlots: [Int32] = []
    /// How many objects have an altitude (the leaves keep only longitude and
    /// latitude, so hits read the slot's point only when this is not 0).
    @exclusivity(unchecked) var altitudeCount = 0

    /// Levels already treated by forced reinsertion during the current insertion.
    @exclusivity(unchecked) private var reinsertedLevels: UInt64 = 0
    /// Search buffers, kept between searches to avoid allocating.
    @exclusivity(unchecked) var scratch = SearchScratch()
    /// How the distance searches ran, for tests that must see each way taken.
    @exclusivity(unchecked) var searchPaths = SearchPaths()
    /// Per-slot data an owner keeps beside the tree (its base address and
    /// stride), hinted into the cache for each hit of a distance search as
    /// the hit is found, so that the owner's reads of it after the search
    /// find it there. Only a hint: nothing is read through it, and an
    /// address left stale by a later reallocation costs a wasted hint.
    @exclusivity(unchecked) var hitHint: (base: UnsafeRawPointer?, stride: Int) = (nil, 0)

    /// How insertions place entries.
    public enum InsertionPolicy: Sendable {
        /// The R* algorithm: overlap-weighted ChooseSubtree above the leaves
        /// and forced reinsertion before the first split on each level.
        case rstar
        /// Least area enlargement at every level and no forced reinsertion
        /// (the R* split is kept): cheaper insertions, somewhat more overlap
        /// between nodes, so queries on an incrementally built tree visit
        /// more nodes. Answers are the same either way.
        case fast
    }

    /// How this tree's insertions place entries.
    public let insertionPolicy: InsertionPolicy

    /// Creates an empty tree.
    ///
    /// - Parameters:
    ///   - maxEntries: the node capacity M, 4…255 (32 by default; 16 and 32
    ///     were close at a million points); traps otherwise (a programming
    ///     error).
    ///   - insertionPolicy: `.rstar` by default.
    public init(maxEntries: Int = 32, insertionPolicy: InsertionPolicy = .rstar) {
        precondition((4...255).contains(maxEntries), "R*-tree node capacity \(maxEntries) is outside 4…255")
        self.insertionPolicy = insertionPolicy
        self.maxEntries = maxEntries
        self.minEntries = max(2, maxEntries * 2 / 5)
        pool = NodePool(stride: maxEntries + 1)
        root = pool.allocate(level: 0)
    }

    /// The position of an object, if present.
    public func point(for id: String) -> GeoPoint? {
        guard let slot = slotOf[id] else { return nil }
        return points[Int(slot)]
    }

    /// Removes every object.
    public func removeAll() {
        pool.removeAll()
        root = pool.allocate(level: 0)
        height = 1
        slotOf = [:]
        ids = []
        points = []
        leafOfSlot = []
        freeSlots = []
        altitudeCount = 0
        count = 0
    }

    // MARK: - Slots

    /// A slot for a new object (its leaf is set when it is placed).
    private func allocateSlot(id: String, point: GeoPoint) -> Int32 {
        if point.altitude != nil { altitudeCount += 1 }
        if let slot = freeSlots.popLast() {
            ids[Int(slot)] = id
            points[Int(slot)] = point
            return slot
        }
        ids.append(id)
        points.append(point)
        leafOfSlot.append(-1)
        return Int32(ids.count - 1)
    }

    private func freeSlot(_ slot: Int32) {
        if points[Int(slot)].altitude != nil { altitudeCount -= 1 }
        ids[Int(slot)] = ""
        leafOfSlot[Int(slot)] = -1
        freeSlots.append(slot)
    }

    // MARK: - Insertion

    /// Adds an object.
    ///
    /// - Throws: `SpatialError.duplicateID` when the id is present.
    public func insert(id: String, point: GeoPoint) throws(SpatialError) {
        let slot = freeSlots.last ?? Int32(ids.count)
        if let old = slotOf.updateValue(slot, forKey: id) {
            slotOf[id] = old
            throw SpatialError(.duplicateID, "id \"\(id)\" is already in the index")
        }
        let allocated = allocateSlot(id: id, point: point)
        assert(allocated == slot)
        insertPoint(slot)
        count += 1
    }

    /// Places an object's slot into a leaf.
    private func insertPoint(_ slot: Int32) {
        reinsertedLevels = 0
        insert(Rect(point: points[Int(slot)]), ref: slot, atLevel: 0)
    }

    /// Inserts an entry (a slot at level 0, a child node above) into a node at `level`.
    private func insert(_ rect: Rect, ref: Int32, atLevel level: Int) {
        var node = root
        while Int(pool.level(node)) > level {
            let i = chooseSubtree(
                node, for: rect, childrenAreLeaves: pool.level(node) == 1 && insertionPolicy == .rstar)
            node = pool.ref(node, i)
        }
        append(rect, ref: ref, to: node)
        // Enlarge the rectangles on the path while they grow.
        var child = node
        while let parent = pool.parent(child) {
            let i = pool.index(of: child, in: parent)
            let old = pool.rect(parent, i)
            let new = old.union(rect)
            if new == old { break }
            pool.setRect(parent, i, new)
            child = parent
        }
        // Overflow treatment, bottom-up.
        while pool.count(node) > maxEntries {
            let nodeLevel = Int(pool.level(node))
            if node != root && insertionPolicy == .rstar && reinsertedLevels & (1 << UInt64(nodeLevel)) == 0 {
                reinsertedLevels |= 1 << UInt64(nodeLevel)
                forceReinsert(node, level: nodeLevel)
                return
            }
            let sibling = split(node)
            guard let parent = pool.parent(node) else {
                let newRoot = pool.allocate(level: Int8(nodeLevel + 1))
                append(pool.computeMBR(node), ref: node, to: newRoot)
                append(pool.computeMBR(sibling), ref: sibling, to: newRoot)
                root = newRoot
                height += 1
                return
            }
            pool.setRect(parent, pool.index(of: node, in: parent), pool.computeMBR(node))
            append(pool.computeMBR(sibling), ref: sibling, to: parent)
            node = parent
        }
    }

    /// Appends an entry to a node and links it back (the slot's leaf or the child's parent).
    func append(_ rect: Rect, ref: Int32, to node: Int32) {
        pool.append(rect, ref: ref, to: node)
        if pool.level(node) == 0 {
            leafOfSlot[Int(ref)] = node
        } else {
            pool.setParent(ref, node)
        }
    }

    /// The entry of `node` whose subtree should receive `rect`.
    private func chooseSubtree(_ node: Int32, for rect: Rect, childrenAreLeaves: Bool) -> Int {
        let n = pool.count(node)
        let boxes = pool.boxes(node)
        @inline(__always) func r(_ i: Int) -> Rect {
            Rect(minX: boxes[4 * i], minY: boxes[4 * i + 1], maxX: boxes[4 * i + 2], maxY: boxes[4 * i + 3])
        }
        var best = 0
        var bestEnlargement = Double.infinity
        var bestArea = Double.infinity
        if childrenAreLeaves {
            // A child that already holds the rectangle adds no overlap: take the smallest.
            var found = false
            for i in 0..<n {
                let c = r(i)
                if c.contains(rect) && (!found || c.area < bestArea) {
                    found = true
                    best = i
                    bestArea = c.area
                }
            }
            if found { return best }
            // Least overlap enlargement among the `Self.overlapCandidates` children
            // of least area enlargement (the R* paper's cheaper variant), kept in
            // a small sorted array on the stack.
            let p = min(n, Self.overlapCandidates)
            return withUnsafeTemporaryAllocation(of: (enlargement: Double, index: Int).self, capacity: p) { top in
                var kept = 0
                for i in 0..<n {
                    let c = r(i)
                    let e = c.union(rect).area - c.area
                    if kept == p && !(e < top[p - 1].enlargement) { continue }
                    var j = kept < p ? kept : p - 1
                    if kept < p { kept += 1 }
                    while j > 0 && e < top[j - 1].enlargement {
                        top[j] = top[j - 1]
                        j -= 1
                    }
                    top[j] = (e, i)
                }
                // Every term of an overlap sum is ≥ 0 (c lies inside grown), so a
                // candidate is dropped as soon as its partial sum passes the best
                // one, and a candidate with none wins outright unless the next
                // has the same enlargement (the tie-break). Both cuts leave the
                // choice exactly as the full computation makes it.
                var bestOverlap = Double.infinity
                for t in 0..<kept {
                    let (enlargement, index) = top[t]
                    let c = r(index)
                    let grown = c.union(rect)
                    var overlap = 0.0
                    for k in 0..<n where k != index {
                        let o = r(k)
                        overlap += grown.overlap(o) - c.overlap(o)
                        if overlap > bestOverlap { break }
                    }
                    if overlap == 0 && (t + 1 == kept || top[t + 1].enlargement > enlargement) {
                        if bestOverlap > 0 || enlargement < bestEnlargement
                            || (enlargement == bestEnlargement && c.area < bestArea)
                        {
                            best = index
                        }
                        break
                    }
                    if overlap < bestOverlap
                        || (overlap == bestOverlap
                            && (enlargement < bestEnlargement
                                || (enlargement == bestEnlargement && c.area < bestArea)))
                    {
                        best = index
                        bestOverlap = overlap
                        bestEnlargement = enlargement
                        bestArea = c.area
                    }
                }
                return best
            }
        }
        for i in 0..<n {
            let c = r(i)
            let area = c.area
            let enlargement = c.union(rect).area - area
            if enlargement < bestEnlargement || (enlargement == bestEnlargement && area < bestArea) {
                best = i
                bestEnlargement = enlargement
                bestArea = area
            }
        }
        return best
    }

    /// How many children of least area enlargement ChooseSubtree weighs by overlap.
    static let overlapCandidates = 6

    /// Removes the 30% of entries farthest from the node's center and inserts
    /// them again, nearest first ("close reinsert").
    private func forceReinsert(_ node: Int32, level: Int) {
        let center = pool.computeMBR(node)
        let cx = center.centerX
        let cy = center.centerY
        let n = pool.count(node)
        var order: [(distance: Double, index: Int)] = []
        order.reserveCapacity(n)
        for i in 0..<n {
            let r = pool.rect(node, i)
            let dx = r.centerX - cx
            let dy = r.centerY - cy
            order.append((dx * dx + dy * dy, i))
        }
        order.sort { $0.distance > $1.distance || ($0.distance == $1.distance && $0.index > $1.index) }
        let p = max(1, maxEntries * 3 / 10)
        // Farthest first by distance; remove by descending index so that the
        // swap-with-last removal never moves an entry still to be removed.
        var removed: [(distance: Double, rect: Rect, ref: Int32)] = []
        removed.reserveCapacity(p)
        for (distance, i) in order.prefix(p).sorted(by: { $0.index > $1.index }) {
            let (rect, ref) = pool.removeEntry(node, at: i)
            removed.append((distance, rect, ref))
        }
        tighten(from: node)
        removed.sort { $0.distance < $1.distance }
        for e in removed { insert(e.rect, ref: e.ref, atLevel: level) }
    }

    /// The slot of an object, if present.
    @inline(__always)
    func slot(for id: String) -> Int32? { slotOf[id] }

    /// Adds an object the caller knows is absent; returns its slot.
    func insertAbsent(id: String, point: GeoPoint) -> Int32 {
        let slot = allocateSlot(id: id, point: point)
        slotOf[id] = slot
        insertPoint(slot)
        count += 1
        return slot
    }

    /// Calls `body` with the slot and id of every object.
    func forEachSlot(_ body: (Int32, String) -> Void) {
        for slot in 0..<leafOfSlot.count where leafOfSlot[slot] >= 0 { body(Int32(slot), ids[slot]) }
    }

    // MARK: - Deletion

    /// Removes an object; returns whether it was present.
    @discardableResult
    public func remove(id: String) -> Bool {
        guard let slot = slotOf.removeValue(forKey: id) else { return false }
        detach(slot)
        freeSlot(slot)
        count -= 1
        return true
    }

    /// Takes a slot out of its leaf and condenses the tree; the slot stays allocated.
    private func detach(_ slot: Int32) {
        let leaf = leafOfSlot[Int(slot)]
        _ = pool.removeEntry(leaf, at: pool.index(of: slot, in: leaf))
        leafOfSlot[Int(slot)] = -1
        condense(from: leaf)
    }

    /// Walks up from a leaf that lost an entry: detaches underfull nodes,
    /// tightens rectangles, shortens the tree, and reinserts orphaned points.
    private func condense(from leaf: Int32) {
        var orphans: [Int32] = []
        var node = leaf
        while let parent = pool.parent(node) {
            let i = pool.index(of: node, in: parent)
            if pool.count(node) < minEntries {
                _ = pool.removeEntry(parent, at: i)
                collectSlots(node, into: &orphans)
            } else {
                let r = pool.computeMBR(node)
                if pool.rect(parent, i) == r {
                    // Above an unchanged rectangle nothing changes, unless a node was removed below.
                    if orphans.isEmpty { break }
                } else {
                    pool.setRect(parent, i, r)
                }
            }
            node = parent
        }
        while pool.level(root) > 0 && pool.count(root) == 1 {
            let child = pool.ref(root, 0)
            pool.free(root)
            root = child
            pool.setParent(root, -1)
            height -= 1
        }
        if pool.level(root) > 0 && pool.count(root) == 0 {
            pool.free(root)
            root = pool.allocate(level: 0)
            height = 1
        }
        for slot in orphans { insertPoint(slot) }
    }

    /// Collects the slots under a detached node and frees its nodes.
    private func collectSlots(_ node: Int32, into out: inout [Int32]) {
        let n = pool.count(node)
        if pool.level(node) == 0 {
            for i in 0..<n { out.append(pool.ref(node, i)) }
        } else {
            for i in 0..<n { collectSlots(pool.ref(node, i), into: &out) }
        }
        pool.free(node)
    }

    // MARK: - Moving

    /// Moves an object, inserting it when absent. A move that stays inside its
    /// leaf's rectangle updates the leaf in place.
    public func move(id: String, to point: GeoPoint) {
        if let slot = slotOf[id] {
            move(slot: slot, to: point)
        } else {
            _ = insertAbsent(id: id, point: point)
        }
    }

    /// Moves the object in `slot`.
    func move(slot: Int32, to point: GeoPoint) {
        if points[Int(slot)].altitude != nil { altitudeCount -= 1 }
        if point.altitude != nil { altitudeCount += 1 }
        points[Int(slot)] = point
        let r = Rect(point: point)
        let leaf = leafOfSlot[Int(slot)]
        let i = pool.index(of: slot, in: leaf)
        if let parent = pool.parent(leaf) {
            if pool.rect(parent, pool.index(of: leaf, in: parent)).contains(r) {
                pool.setRect(leaf, i, r)
                tighten(from: leaf)
                return
            }
        } else {
            pool.setRect(leaf, i, r)
            return
        }
        detach(slot)
        insertPoint(slot)
    }

    /// Recomputes rectangles upward from `node` while they change.
    private func tighten(from node: Int32) {
        var node = node
        while let parent = pool.parent(node) {
            let i = pool.index(of: node, in: parent)
            let r = pool.computeMBR(node)
            if pool.rect(parent, i) == r { return }
            pool.setRect(parent, i, r)
            node = parent
        }
    }
}
