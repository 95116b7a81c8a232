#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

import CStrataPrefetch

/// The R*-tree's nodes, in flat arrays indexed by node number, so that a
/// search reads plain memory and touches no reference count, and an
/// insertion mutates in place without copy-on-write checks.
///
/// Every node has room for `stride` = M + 1 entries (one more than M, for the
/// moment between an overflow and its split or reinsertion):
///
/// ```
///   boxes:   node n owns the 4·stride doubles from n·stride·4:
///              internal: entry i at 4i:            [minLon minLat maxLon maxLat]
///              leaf:     entry i at 2i:            [lon lat]
///                        its slot at 2·stride + i:  the slot number as a Double
///                        at 3·stride + i:           cos(lat), in radians as
///                                                   Haversine computes it
///   refs:    internal node n, entry i at n·stride + i: the child node
///   counts:  node n → entries in use
///   parents: node n → parent node, −1 for the root and for free nodes
///   levels:  node n → 0 for a leaf, height − 1 for the root, −1 when free
/// ```
/// A leaf's entry rectangle is its point (min = max), so a leaf keeps only
/// the point, with the slots right behind the points: a search scanning a
/// leaf reads 16 bytes an entry, half the lines of a full rectangle, and a
/// hit's slot from the same block. (A slot is at most Int32.max, which a
/// Double holds exactly; keeping it as a Double leaves the block one type.)
/// The cosine of each point's latitude is kept beside it (computed once per
/// insertion or move), so that a distance to a leaf point costs two `sin`s
/// rather than two and a `cos`, with the same result bit for bit.
/// Freed nodes go on a free list and are reused before the arrays grow.
///
/// Not thread-safe; owned by one tree, whose owner serialises every use, so
/// the fields skip the dynamic exclusivity checks.
final class NodePool {
    let stride: Int
    @exclusivity(unchecked) private(set) var capacity = 0
    /// Nodes ever handed out (free ones included).
    @exclusivity(unchecked) private(set) var used = 0
    @exclusivity(unchecked) private(set) var boxStore: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private(set) var refStore: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var counts: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var parents: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var levels: UnsafeMutablePointer<Int8>
    @exclusivity(unchecked) private var freeList: [Int32] = []

    init(stride: Int, capacity: Int = 16) {
        self.stride = stride
        self.capacity = capacity
        boxStore = PoolMemory.allocate(Double.self, count: capacity * stride * 4)
        refStore = PoolMemory.allocate(Int32.self, count: capacity * stride)
        counts = PoolMemory.allocate(Int32.self, count: capacity)
        parents = PoolMemory.allocate(Int32.self, count: capacity)
        levels = PoolMemory.allocate(Int8.self, count: capacity)
    }

    deinit {
        PoolMemory.deallocate(boxStore, count: capacity * stride * 4)
        PoolMemory.deallocate(refStore, count: capacity * stride)
        PoolMemory.deallocate(counts, count: capacity)
        PoolMemory.deallocate(parents, count: capacity)
        PoolMemory.deallocate(levels, count: capacity)
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
            p = PoolMemory.grow(p, from: capacity * per, to: nodes * per, used: used * per)
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
    @inline(__always) func isLeaf(_ n: Int32) -> Bool { levels[Int(n)] == 0 }
    @inline(__always) func isFree(_ n: Int32) -> Bool { levels[Int(n)] < 0 }

    @inline(__always) func parent(_ n: Int32) -> Int32? {
        let p = parents[Int(n)]
        return p < 0 ? nil : p
    }

    @inline(__always) func setParent(_ n: Int32, _ p: Int32) { parents[Int(n)] = p }

    /// The first value of node `n`'s block: an internal node's rectangles
    /// (entry i at 4i), or a leaf's points (entry i at 2i).
    @inline(__always) func boxes(_ n: Int32) -> UnsafeMutablePointer<Double> { boxStore + Int(n) * stride * 4 }

    /// A leaf's slots, as Doubles (entry i at i).
    @inline(__always) func leafSlots(_ n: Int32) -> UnsafeMutablePointer<Double> { boxes(n) + 2 * stride }

    /// A leaf's latitude cosines (entry i at i).
    @inline(__always) func leafCosines(_ n: Int32) -> UnsafeMutablePointer<Double> { boxes(n) + 3 * stride }

    /// Entry `i`'s ref: the child node, or a leaf's object slot.
    @inline(__always) func ref(_ n: Int32, _ i: Int) -> Int32 {
        isLeaf(n) ? Int32(leafSlots(n)[i]) : refStore[Int(n) * stride + i]
    }

    @inline(__always) private func setRef(_ n: Int32, _ i: Int, _ ref: Int32) {
        if isLeaf(n) { leafSlots(n)[i] = Double(ref) } else { refStore[Int(n) * stride + i] = ref }
    }

    @inline(__always) func rect(_ n: Int32, _ i: Int) -> Rect {
        if isLeaf(n) {
            let p = boxes(n) + 2 * i
            return Rect(minX: p[0], minY: p[1], maxX: p[0], maxY: p[1])
        }
        let b = boxes(n) + 4 * i
        return Rect(minX: b[0], minY: b[1], maxX: b[2], maxY: b[3])
    }

    /// Sets entry `i`'s rectangle; a leaf's must be a point.
    @inline(__always) func setRect(_ n: Int32, _ i: Int, _ r: Rect) {
        if isLeaf(n) {
            assert(r.minX == r.maxX && r.minY == r.maxY, "R*-tree: a leaf entry is a point")
            let p = boxes(n) + 2 * i
            p[0] = r.minX
            p[1] = r.minY
            leafCosines(n)[i] = cos(r.minY * Haversine.radiansPerDegree)
            return
        }
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
        setRef(n, c, ref)
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
            setRef(n, i, ref(n, last))
        }
        counts[Int(n)] = Int32(last)
        return removed
    }

    /// The index of the entry of `n` that refers to `ref`; traps when there is none.
    @inline(__always) func index(of ref: Int32, in n: Int32) -> Int {
        if isLeaf(n) {
            let slots = leafSlots(n)
            let wanted = Double(ref)
            for i in 0..<count(n) where slots[i] == wanted { return i }
        } else {
            let r = refStore + Int(n) * stride
            for i in 0..<count(n) where r[i] == ref { return i }
        }
        preconditionFailure("R*-tree: \(ref) is missing from node \(n)")
    }

    /// The tight rectangle around every entry of `n`.
    func computeMBR(_ n: Int32) -> Rect {
        let b = boxes(n)
        var r = Rect.empty
        if isLeaf(n) {
            for i in 0..<count(n) {
                r.minX = min(r.minX, b[2 * i])
                r.minY = min(r.minY, b[2 * i + 1])
                r.maxX = max(r.maxX, b[2 * i])
                r.maxY = max(r.maxY, b[2 * i + 1])
            }
            return r
        }
        for i in 0..<count(n) {
            r.minX = min(r.minX, b[4 * i])
            r.minY = min(r.minY, b[4 * i + 1])
            r.maxX = max(r.maxX, b[4 * i + 2])
            r.maxY = max(r.maxY, b[4 * i + 3])
        }
        return r
    }
}

/// The pool's arrays. On Linux an array of 2 MiB or more is an anonymous
/// mapping that grows with `mremap`, which moves pages instead of copying
/// them, so a doubling array touches no memory twice: fresh pages are slow
/// to touch in a VM, and in an insert profile of a million points zeroing
/// them was 18 % of the time before this. Smaller arrays, and every array
/// elsewhere, come from `malloc`. A freed mapping is kept for the next tree,
/// up to `spareLimit` bytes in all, as `malloc` keeps freed memory; without
/// that every tree built in a process (a benchmark's every iteration, a
/// tracker's every reopened namespace) would fault in its pages afresh. Pool
/// memory is always written before it is read, so a reused mapping's old
/// contents never show. None of it changes any result. (Transparent huge
/// pages, `MADV_HUGEPAGE`, were tried: queries did not measurably gain, and
/// a bulk load of a million points lost about 10 % to faulting 2 MiB pages.)
enum PoolMemory {
    static let hugePage = 2 << 20

    #if os(Linux)
        /// Freed mappings (address, length), for reuse.
        private static let spares = Locked<[(address: UInt, length: Int)]>([])
        static let spareLimit = 256 << 20

        /// The smallest kept mapping of at least `length` bytes, cut down to
        /// `length` (a shrinking `mremap` never moves), or nil.
        private static func takeSpare(_ length: Int) -> UnsafeMutableRawPointer? {
            spares.withLock { list -> UnsafeMutableRawPointer? in
                var best = -1
                for (i, spare) in list.enumerated()
                where spare.length >= length && (best < 0 || spare.length < list[best].length) {
                    best = i
                }
                guard best >= 0 else { return nil }
                let spare = list.remove(at: best)
                guard let mapping = UnsafeMutableRawPointer(bitPattern: spare.address) else { return nil }
                if spare.length > length && strata_remap(mapping, spare.length, length) == nil {
                    _ = munmap(mapping, spare.length)
                    return nil
                }
                return mapping
            }
        }

        /// Keeps a freed mapping while the kept ones stay within `spareLimit`, else unmaps it.
        private static func keepSpare(_ mapping: UnsafeMutableRawPointer, length: Int) {
            let kept = spares.withLock { list -> Bool in
                guard list.reduce(0, { $0 + $1.length }) + length <= spareLimit else { return false }
                list.append((UInt(bitPattern: mapping), length))
                return true
            }
            if !kept { _ = munmap(mapping, length) }
        }
    #endif

    /// Whether an array of `bytes` is a mapping (else it is from `malloc`).
    @inline(__always)
    private static func isMapped(_ bytes: Int) -> Bool {
        #if os(Linux)
            return bytes >= hugePage
        #else
            return false
        #endif
    }

    private static func bytes<T>(_: T.Type, _ count: Int) -> Int { max(1, count * MemoryLayout<T>.stride) }

    private static func rounded(_ bytes: Int) -> Int { (bytes + hugePage - 1) / hugePage * hugePage }

    static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let size = bytes(T.self, count)
        #if os(Linux)
            if isMapped(size) {
                let length = rounded(size)
                if let spare = takeSpare(length) { return spare.bindMemory(to: T.self, capacity: count) }
                let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                if let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) {
                    return mapped.bindMemory(to: T.self, capacity: count)
                }
                fatalError("R*-tree: cannot map \(length) bytes (errno \(errno))")
            }
        #endif
        guard let raw = malloc(size) else { fatalError("R*-tree: out of memory for \(size) bytes") }
        return raw.bindMemory(to: T.self, capacity: count)
    }

    /// An array of `newCount` holding the first `used` elements of `p` (an
    /// array of `oldCount`, which is gone afterwards).
    static func grow<T>(_ p: UnsafeMutablePointer<T>, from oldCount: Int, to newCount: Int, used: Int)
        -> UnsafeMutablePointer<T>
    {
        let oldSize = bytes(T.self, oldCount)
        if isMapped(oldSize) {
            let newLength = rounded(bytes(T.self, newCount))
            if let moved = strata_remap(p, rounded(oldSize), newLength) {
                return moved.bindMemory(to: T.self, capacity: newCount)
            }
        }
        let q = allocate(T.self, count: newCount)
        q.moveInitialize(from: p, count: used)
        deallocate(p, count: oldCount)
        return q
    }

    static func deallocate<T>(_ p: UnsafeMutablePointer<T>, count: Int) {
        let size = bytes(T.self, count)
        #if os(Linux)
            if isMapped(size) {
                keepSpare(UnsafeMutableRawPointer(p), length: rounded(size))
                return
            }
        #endif
        free(p)
    }
}
