/// The R*-tree's nodes, in flat arrays indexed by node number, so that a
/// search reads plain memory and touches no reference count, and an
/// insertion mutates in place without copy-on-write checks.
///
/// Every node has room for `stride` = M + 1 entries (one more than M, for the
/// moment between an overflow and its split or reinsertion):
///
/// ```
///   boxes:   node n, entry i at (n·stride + i)·4:  [minLon minLat maxLon maxLat]
///   refs:    node n, entry i at  n·stride + i:      child node (internal) or object slot (leaf)
///   counts:  node n → entries in use
///   parents: node n → parent node, −1 for the root and for free nodes
///   levels:  node n → 0 for a leaf, height − 1 for the root, −1 when free
/// ```
/// A leaf's entry rectangle is its point (min = max). Freed nodes go on a
/// free list and are reused before the arrays grow.
///
/// Not thread-safe; owned by one tree.
final class NodePool {
    let stride: Int
    private(set) var capacity = 0
    /// Nodes ever handed out (free ones included).
    private(set) var used = 0
    private(set) var boxStore: UnsafeMutablePointer<Double>
    private(set) var refStore: UnsafeMutablePointer<Int32>
    private var counts: UnsafeMutablePointer<Int32>
    private var parents: UnsafeMutablePointer<Int32>
    private var levels: UnsafeMutablePointer<Int8>
    private var freeList: [Int32] = []

    init(stride: Int, capacity: Int = 16) {
        self.stride = stride
        self.capacity = capacity
        boxStore = .allocate(capacity: capacity * stride * 4)
        refStore = .allocate(capacity: capacity * stride)
        counts = .allocate(capacity: capacity)
        parents = .allocate(capacity: capacity)
        levels = .allocate(capacity: capacity)
    }

    deinit {
        boxStore.deallocate()
        refStore.deallocate()
        counts.deallocate()
        parents.deallocate()
        levels.deallocate()
    }

    /// Nodes in use.
    var liveCount: Int { used - freeList.count }

    /// Forgets every node (the storage is kept).
    func removeAll() {
        used = 0
        freeList.removeAll(keepingCapacity: true)
    }

    /// Makes room for at least `nodes` nodes in all.
    func reserve(_ nodes: Int) {
        guard nodes > capacity else { return }
        func grow<T>(_ p: inout UnsafeMutablePointer<T>, _ per: Int) {
            let q = UnsafeMutablePointer<T>.allocate(capacity: nodes * per)
            q.moveInitialize(from: p, count: used * per)
            p.deallocate()
            p = q
        }
        grow(&boxStore, stride * 4)
        grow(&refStore, stride)
        grow(&counts, 1)
        grow(&parents, 1)
        grow(&levels, 1)
        capacity = nodes
    }

    /// A new empty node at `level`, with no parent.
    func allocate(level: Int8) -> Int32 {
        let n: Int32
        if let reused = freeList.popLast() {
            n = reused
        } else {
            if used == capacity { reserve(capacity * 2) }
            n = Int32(used)
            used += 1
        }
        counts[Int(n)] = 0
        parents[Int(n)] = -1
        levels[Int(n)] = level
        return n
    }

    /// Returns a node to the free list.
    func free(_ n: Int32) {
        counts[Int(n)] = 0
        parents[Int(n)] = -1
        levels[Int(n)] = -1
        freeList.append(n)
    }

    @inline(__always) func count(_ n: Int32) -> Int { Int(counts[Int(n)]) }
    @inline(__always) func level(_ n: Int32) -> Int8 { levels[Int(n)] }
    @inline(__always) func isFree(_ n: Int32) -> Bool { levels[Int(n)] < 0 }

    @inline(__always) func parent(_ n: Int32) -> Int32? {
        let p = parents[Int(n)]
        return p < 0 ? nil : p
    }

    @inline(__always) func setParent(_ n: Int32, _ p: Int32) { parents[Int(n)] = p }

    /// The first rectangle value of node `n` (entry i at offset 4i).
    @inline(__always) func boxes(_ n: Int32) -> UnsafeMutablePointer<Double> { boxStore + Int(n) * stride * 4 }

    /// The first ref of node `n`.
    @inline(__always) func refs(_ n: Int32) -> UnsafeMutablePointer<Int32> { refStore + Int(n) * stride }

    @inline(__always) func ref(_ n: Int32, _ i: Int) -> Int32 { refStore[Int(n) * stride + i] }

    @inline(__always) func rect(_ n: Int32, _ i: Int) -> Rect {
        let b = boxes(n) + 4 * i
        return Rect(minX: b[0], minY: b[1], maxX: b[2], maxY: b[3])
    }

    @inline(__always) func setRect(_ n: Int32, _ i: Int, _ r: Rect) {
        let b = boxes(n) + 4 * i
        b[0] = r.minX
        b[1] = r.minY
        b[2] = r.maxX
        b[3] = r.maxY
    }

    /// Appends an entry; traps past `stride` entries (a bug in the tree).
    func append(_ r: Rect, ref: Int32, to n: Int32) {
        let c = count(n)
        precondition(c < stride, "R*-tree: node \(n) is over capacity")
        setRect(n, c, r)
        refStore[Int(n) * stride + c] = ref
        counts[Int(n)] = Int32(c + 1)
    }

    /// Empties a node, keeping its level and parent.
    func clear(_ n: Int32) { counts[Int(n)] = 0 }

    /// Removes entry `i` by moving the last entry into its place; returns it.
    func removeEntry(_ n: Int32, at i: Int) -> (rect: Rect, ref: Int32) {
        let last = count(n) - 1
        let removed = (rect(n, i), ref(n, i))
        if i != last {
            setRect(n, i, rect(n, last))
            refStore[Int(n) * stride + i] = ref(n, last)
        }
        counts[Int(n)] = Int32(last)
        return removed
    }

    /// The index of the entry of `n` that refers to `ref`; traps when there is none.
    @inline(__always) func index(of ref: Int32, in n: Int32) -> Int {
        let r = refs(n)
        for i in 0..<count(n) where r[i] == ref { return i }
        preconditionFailure("R*-tree: \(ref) is missing from node \(n)")
    }

    /// The tight rectangle around every entry of `n`.
    func computeMBR(_ n: Int32) -> Rect {
        let b = boxes(n)
        var r = Rect.empty
        for i in 0..<count(n) {
            r.minX = min(r.minX, b[4 * i])
            r.minY = min(r.minY, b[4 * i + 1])
            r.maxX = max(r.maxX, b[4 * i + 2])
            r.maxY = max(r.maxY, b[4 * i + 3])
        }
        return r
    }
}
