import CStrataPrefetch

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
        var leafOrder = entries.map { TileItem(x: $0.point.longitude, y: $0.point.latitude, index: 0) }
        tile(&leafOrder)
        // One pass gathers ids and points in leaf order. Each entry is read
        // once, at a random place in a large array, so the entry a few
        // places ahead is hinted into the cache meanwhile.
        var newIDs: [String] = []
        var newPoints: [GeoPoint] = []
        newIDs.reserveCapacity(entries.count)
        newPoints.reserveCapacity(entries.count)
        entries.withUnsafeBufferPointer { entries in
            leafOrder.withUnsafeBufferPointer { order in
                let ahead = 8
                for k in 0..<order.count {
                    if k + ahead < order.count { strata_prefetch(entries.baseAddress! + Int(order[k + ahead].index)) }
                    let entry = entries[Int(order[k].index)]
                    newIDs.append(entry.id)
                    newPoints.append(entry.point)
                }
            }
        }
        var newSlotOf: [String: Int32] = [:]
        newSlotOf.reserveCapacity(entries.count)
        for (slot, id) in newIDs.enumerated() where newSlotOf.updateValue(Int32(slot), forKey: id) != nil {
            throw SpatialError(.duplicateID, "id \"\(id)\" occurs more than once")
        }
        removeAll()
        slotOf = newSlotOf
        ids = newIDs
        points = newPoints
        altitudeCount = points.reduce(0) { $0 + ($1.altitude == nil ? 0 : 1) }
        leafOfSlot = [Int32](repeating: -1, count: entries.count)
        count = entries.count
        pool.free(root)

        // The leaves: the slots are in tile order already, so consecutive
        // runs of them are the leaves (tiling them again would sort a
        // million items twice to the same order).
        pool.reserve(pool.used + entries.count / max(1, minEntries) + 16)
        var refs: [Int32] = []
        var rects: [Rect] = []
        refs.reserveCapacity(entries.count / maxEntries + 1)
        rects.reserveCapacity(entries.count / maxEntries + 1)
        forEachRun(entries.count) { run in
            let node = pool.allocate(level: 0)
            var mbr = Rect.empty
            for slot in run {
                let r = Rect(point: points[slot])
                append(r, ref: Int32(slot), to: node)
                mbr = mbr.union(r)
            }
            refs.append(node)
            rects.append(mbr)
        }
        // Each level above: the nodes below, tiled by their centers.
        var level: Int8 = 1
        while refs.count > 1 {
            var next: [Int32] = []
            var nextRects: [Rect] = []
            var items = rects.map { TileItem(x: $0.centerX, y: $0.centerY, index: 0) }
            tile(&items)
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
            refs = next
            rects = nextRects
            level += 1
        }
        root = refs[0]
        height = Int(level)
    }

    /// A rectangle's center and its position in the level being packed.
    struct TileItem {
        var x: Double
        var y: Double
        var index: Int32
    }

    /// Numbers the centers by their position, then puts them in
    /// Sort-Tile-Recursive order: sorted by x, cut into ⌈√P⌉ slices of whole
    /// runs, each slice sorted by y. Consecutive runs of `forEachRun` are then
    /// the nodes. Items carry their coordinates, so the sorts read memory in
    /// order.
    private func tile(_ items: inout [TileItem]) {
        let n = items.count
        for i in items.indices { items[i].index = Int32(i) }
        if n <= maxEntries { return }
        items.withUnsafeMutableBufferPointer { all in
            TileSort.sort(all, byY: false)
            let nodeCount = (n + maxEntries - 1) / maxEntries
            let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
            for slice in sliceRanges(count: n, slices: sliceCount) {
                TileSort.sort(UnsafeMutableBufferPointer(rebasing: all[slice]), byY: true)
            }
        }
    }

    /// The slices of `tile`: `count` items cut into `slices` parts whose
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

/// The sorts of Sort-Tile-Recursive: by x (then y, then index), or by y
/// (then x, then index), the same total orders `sort(by:)` would give.
///
/// A general comparison sort spent about 40 % of a million-point bulk load
/// moving 24-byte items through merge passes. Here the items are first
/// distributed by value into about one bucket per eight items, with a
/// bucket number that never decreases as the key grows (a subtraction and a
/// multiplication by a positive constant are monotone in floating point),
/// so the buckets are in key order; each bucket is then sorted alone, by
/// insertion when small. Clustered input only makes some buckets larger,
/// which the per-bucket sort handles; the order is the same either way.
enum TileSort {
    typealias Item = RStarTree.TileItem

    @inline(__always)
    static func precedes(_ a: Item, _ b: Item, byY: Bool) -> Bool {
        let (a1, b1, a2, b2) = byY ? (a.y, b.y, a.x, b.x) : (a.x, b.x, a.y, b.y)
        return a1 < b1 || (a1 == b1 && (a2 < b2 || (a2 == b2 && a.index < b.index)))
    }

    static func sort(_ items: UnsafeMutableBufferPointer<Item>, byY: Bool) {
        let n = items.count
        guard n > 32 else {
            insertionSort(items, byY: byY)
            return
        }
        @inline(__always) func key(_ item: Item) -> Double { byY ? item.y : item.x }
        var low = Double.infinity
        var high = -Double.infinity
        var unordered = false
        for item in items {
            let k = key(item)
            unordered = unordered || k.isNaN
            low = min(low, k)
            high = max(high, k)
        }
        // Non-finite keys (none in a valid tree) or all keys equal: sort directly.
        guard !unordered, low.isFinite, high.isFinite, high > low else {
            comparisonSort(items, byY: byY)
            return
        }
        let buckets = max(1, n / 8)
        let scale = Double(buckets) / (high - low)
        guard scale.isFinite else {
            comparisonSort(items, byY: byY)
            return
        }
        @inline(__always) func bucket(_ item: Item) -> Int { min(buckets - 1, Int((key(item) - low) * scale)) }
        var starts = [Int](repeating: 0, count: buckets + 1)
        starts.withUnsafeMutableBufferPointer { starts in
            for item in items { starts[bucket(item) + 1] += 1 }
            for b in 0..<buckets { starts[b + 1] += starts[b] }
            let scratch = UnsafeMutableBufferPointer<Item>.allocate(capacity: n)
            defer { scratch.deallocate() }
            var next = Array(starts[0..<buckets])
            next.withUnsafeMutableBufferPointer { next in
                for item in items {
                    let b = bucket(item)
                    (scratch.baseAddress! + next[b]).initialize(to: item)
                    next[b] += 1
                }
            }
            items.baseAddress!.update(from: scratch.baseAddress!, count: n)
            for b in 0..<buckets where starts[b + 1] - starts[b] > 1 {
                let run = UnsafeMutableBufferPointer(rebasing: items[starts[b]..<starts[b + 1]])
                if run.count <= 32 { insertionSort(run, byY: byY) } else { comparisonSort(run, byY: byY) }
            }
        }
    }

    private static func comparisonSort(_ items: UnsafeMutableBufferPointer<Item>, byY: Bool) {
        var items = items
        items.sort { precedes($0, $1, byY: byY) }
    }

    private static func insertionSort(_ items: UnsafeMutableBufferPointer<Item>, byY: Bool) {
        guard items.count > 1 else { return }
        for i in 1..<items.count {
            let item = items[i]
            var j = i
            while j > 0 && precedes(item, items[j - 1], byY: byY) {
                items[j] = items[j - 1]
                j -= 1
            }
            items[j] = item
        }
    }
}
