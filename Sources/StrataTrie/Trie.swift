import CStrataPrefetch

// A persistent (path-copying) ordered radix trie over byte strings.
//
// Node layout. Every node holds the compressed edge that leads to it (its
// segment), an optional value, and its children ordered by the first byte of
// their segments, kept as two parallel arrays so a lookup scans bytes only:
//
//   +---------------------------------------------------------------+
//   | segment    bytes     the edge from the parent (empty only at  |
//   |                      the root); up to 16 bytes inline in the  |
//   |                      header, longer ones in an array          |
//   | value      [UInt8]?  the value stored under the path's key    |
//   | firstBytes [UInt8]   firstBytes[i] == children[i].segment[0]  |
//   | children   [Node]    ascending by first byte                  |
//   | count      Int       values stored in this subtree            |
//   +---------------------------------------------------------------+
//
//   keys "ab", "abc", "b"  (root "" has no value)
//
//            root ""
//            /      \
//        "ab"=v1    "b"=v3
//           |
//         "c"=v2
//
// Invariants (see `invariantViolations()`): below the root every segment is
// non-empty; children are sorted by, and unique in, their first byte; a
// node other than the root either has a value or at least two children;
// `count` is the number of values in the subtree.
//
// Persistence. A `Trie` is a value holding the root. Copying it is O(1) and
// yields an immutable snapshot as long as nobody mutates a node reachable
// from two places. Mutations therefore walk down with `isKnownUniquelyReferenced`
// and copy every node on the path that is shared; a copied node shares its
// `children` buffer with the original, so Swift's array copy-on-write copies
// that buffer on the first write, after which each child is referenced twice
// and is copied in turn when the walk descends into it.

/// The fields of a node other than its children; see the layout drawn at the
/// top of this file. The fields a lookup reads come first, next to the
/// children, which are tail-allocated right after this header.
struct NodeHeader {
    /// `firstBytes[0..<8]` and `firstBytes[8..<16]`, byte i in bits 8i..<8i+8.
    var packedLow: UInt64 = 0
    var packedHigh: UInt64 = 0
    /// The number of initialized children in the tail.
    var childCount: Int32 = 0
    /// The number of children the tail has room for.
    var capacity: Int32
    /// The segment's length.
    var segmentLength: Int
    /// The segment's bytes when it is at most `inlineSegmentCapacity` long
    /// (in memory order), so that a lookup reads them from the node itself
    /// rather than chasing a pointer to an array.
    var inlineSegment: (UInt64, UInt64) = (0, 0)
    /// The segment's bytes when it is longer.
    var longSegment: [UInt8]? = nil
    var value: [UInt8]?
    var firstBytes: [UInt8]
    var count: Int
}

/// One node of the trie; see the layout drawn at the top of this file.
///
/// The children are stored inline, after the header (`ManagedBuffer` tail
/// allocation), and for up to 16 children their first bytes are packed into
/// two words of the header, so a lookup touches the node object only (one or
/// two cache lines) per level, and a segment's bytes only when the segment is
/// longer than one byte. A node that outgrows its tail is replaced by a bigger
/// copy, which is why every mutation takes the node `inout`.
///
/// The header is reached through `ManagedBuffer`'s addressors, so accesses
/// pay no dynamic exclusivity checks; a node is mutated only by the single
/// writer that uniquely owns it.
final class Node: ManagedBuffer<NodeHeader, Node> {
    /// A node with room for `capacity` children and none yet.
    static func make(segment: [UInt8], value: [UInt8]?, count: Int, capacity: Int = 0) -> Node {
        segment.withUnsafeBytes { make(segmentBytes: $0, value: value, count: count, capacity: capacity) }
    }

    /// A node whose segment is a copy of `segmentBytes`.
    static func make(segmentBytes: UnsafeRawBufferPointer, value: [UInt8]?, count: Int, capacity: Int = 0) -> Node {
        let made = Node.create(minimumCapacity: capacity) { _ in
            NodeHeader(capacity: Int32(capacity), segmentLength: 0, value: value, firstBytes: [], count: count)
        }
        let node = unsafeDowncast(made, to: Node.self)
        node.setSegment(segmentBytes)
        return node
    }

    /// Segments up to this long are stored in the header.
    static let inlineSegmentCapacity = 16

    /// Replaces the segment by a copy of `bytes`.
    func setSegment(_ bytes: UnsafeRawBufferPointer) {
        withUnsafeMutablePointerToHeader { h in
            h.pointee.segmentLength = bytes.count
            if bytes.count <= Node.inlineSegmentCapacity {
                h.pointee.longSegment = nil
                h.pointee.inlineSegment = (0, 0)
                withUnsafeMutableBytes(of: &h.pointee.inlineSegment) { inline in
                    if let base = bytes.baseAddress, bytes.count > 0 {
                        inline.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
                    }
                }
            } else {
                h.pointee.longSegment = Array(bytes)
            }
        }
    }

    /// Calls `body` with the segment's bytes, valid inside `body` only.
    @inline(__always)
    func withSegment<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointerToHeader { h in
            let length = h.pointee.segmentLength
            if length <= Node.inlineSegmentCapacity {
                return try withUnsafeMutablePointer(to: &h.pointee.inlineSegment) { inline in
                    let start = UnsafeRawPointer(inline).assumingMemoryBound(to: UInt8.self)
                    return try body(UnsafeBufferPointer(start: start, count: length))
                }
            }
            return try h.pointee.longSegment!.withUnsafeBufferPointer(body)
        }
    }

    deinit {
        _ = withUnsafeMutablePointers { h, e in e.deinitialize(count: Int(h.pointee.childCount)) }
    }

    /// A copy of the segment.
    var segment: [UInt8] {
        get { withSegment { Array($0) } }
        set { newValue.withUnsafeBytes { setSegment($0) } }
    }
    // The accessors below go through `withUnsafeMutablePointerToHeader`, not
    // `ManagedBuffer.header`: that is a class's stored property, so each use
    // of it would begin and end a dynamic exclusivity access (a call and a
    // thread-local set per read, on every level of every walk and step).
    var value: [UInt8]? {
        get { withUnsafeMutablePointerToHeader { $0.pointee.value } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.value = newValue } }
    }
    /// `firstBytes[i] == children[i].segment[0]`. Setting it repacks the
    /// lookup words; it must keep paralleling the children.
    var firstBytes: [UInt8] {
        get { withUnsafeMutablePointerToHeader { $0.pointee.firstBytes } }
        set {
            withUnsafeMutablePointerToHeader { $0.pointee.firstBytes = newValue }
            packFirstBytes()
        }
    }
    var count: Int {
        get { withUnsafeMutablePointerToHeader { $0.pointee.count } }
        set { withUnsafeMutablePointerToHeader { $0.pointee.count = newValue } }
    }
    var segmentLength: Int { withUnsafeMutablePointerToHeader { $0.pointee.segmentLength } }
    /// Whether the node holds a value (read in place, retaining nothing).
    @inline(__always)
    var hasValue: Bool { withUnsafeMutablePointerToHeader { $0.pointee.value != nil } }
    var childCount: Int { withUnsafeMutablePointerToHeader { Int($0.pointee.childCount) } }

    /// The children, ascending by first byte (a view; it holds the node).
    var children: Children { Children(node: self) }

    struct Children: RandomAccessCollection {
        let node: Node
        var startIndex: Int { 0 }
        var endIndex: Int { node.childCount }
        subscript(i: Int) -> Node {
            precondition(i >= 0 && i < node.childCount, "child index out of range")
            return node.withUnsafeMutablePointerToElements { $0[i] }
        }
    }

    /// Child `i`.
    @inline(__always)
    func child(_ i: Int) -> Node {
        precondition(i >= 0 && i < childCount, "child index out of range")
        return withUnsafeMutablePointerToElements { $0[i] }
    }

    /// Hints the CPU to fetch what a forward scan reads after child `i`:
    /// child `i + 2`'s header, and child `i + 1`'s value object, its
    /// refcount and first bytes (its header was hinted one step earlier,
    /// so reading its value pointer rarely waits). A scan's nodes and values are separate heap objects, so
    /// without the hint each step waits for two or three memory reads in a
    /// row. It changes no state and nothing is retained.
    @inline(__always)
    func prefetchForward(after i: Int) {
        let n = childCount
        withUnsafeMutablePointerToElements { e in
            if i + 2 < n {
                let far = UnsafeRawPointer(e + i + 2).load(as: UnsafeRawPointer.self)
                strata_prefetch(far)
                strata_prefetch(far + 64)
            }
            if i + 1 < n {
                UnsafeRawPointer(e + i + 1).load(as: Unmanaged<Node>.self)._withUnsafeGuaranteedRef { next in
                    next.withUnsafeMutablePointerToHeader { h in
                        // The value array's storage object (nil is 0): its
                        // refcount, which the scan's retain writes; the
                        // first bytes of the record (offset 32, on another
                        // line for half of 16-aligned objects); and the
                        // next line, where a filter on a record's third or
                        // fourth field reads (a prefetch past a short
                        // record's end is harmless: it never faults).
                        let storage = Node.valueStorage(h)
                        if let storage {
                            strata_prefetch(storage + 8)
                            strata_prefetch(storage + 32)
                            strata_prefetch(storage + 96)
                        }
                    }
                }
            }
        }
    }

    /// The address of the value array's storage object (nil when there is
    /// no value), read from the header without retaining it.
    @inline(__always)
    static func valueStorage(_ h: UnsafeMutablePointer<NodeHeader>) -> UnsafeRawPointer? {
        withUnsafeMutablePointer(to: &h.pointee.value) { UnsafeRawPointer($0).load(as: UnsafeRawPointer?.self) }
    }

    /// Child `i`, not retained: valid while this node is.
    @inline(__always)
    func unretainedChild(_ i: Int) -> Unmanaged<Node> {
        withUnsafeMutablePointerToElements { UnsafeRawPointer($0 + i).load(as: Unmanaged<Node>.self) }
    }

    /// Calls `body` with the slot of child `i`, for replacing or descending into it.
    @inline(__always)
    func withChildSlot<R>(_ i: Int, _ body: (inout Node) throws -> R) rethrows -> R {
        try withUnsafeMutablePointerToElements { try body(&$0[i]) }
    }

    /// A shallow copy with room for `capacity` children: the child nodes (and
    /// array buffers) are shared.
    func copy(capacity: Int? = nil) -> Node {
        let n = childCount
        let room = max(capacity ?? n, n)
        // The header is copied whole (its arrays are shared), then the
        // children are retained into the new tail.
        let made = Node.create(minimumCapacity: room) { _ in
            var copied = self.header
            copied.capacity = Int32(room)
            copied.childCount = 0
            return copied
        }
        withUnsafeMutablePointerToElements { from in
            made.withUnsafeMutablePointerToElements { to in to.initialize(from: from, count: n) }
        }
        made.header.childCount = Int32(n)
        return unsafeDowncast(made, to: Node.self)
    }

    /// Inserts `child`, whose segment starts with `byte`, at position `i`,
    /// replacing `node` by a bigger copy when its tail is full. `node` must be
    /// uniquely referenced.
    static func insertChild(_ child: Node, firstByte byte: UInt8, at i: Int, into node: inout Node) {
        let n = node.childCount
        if n == Int(node.header.capacity) {
            // `node` is unique: move its children into the bigger node rather
            // than copying them (which would retain and then release each).
            let old = node
            let room = n < 4 ? 4 : Swift.min(n * 2, 256)
            let grown = Node.create(minimumCapacity: room) { _ in
                // Moved, not copied: copying would retain the header's arrays
                // only for `old`'s release to release them again.
                old.withUnsafeMutablePointerToHeader { h in
                    var moved = h.move()
                    h.initialize(to: NodeHeader(capacity: 0, segmentLength: 0, value: nil, firstBytes: [], count: 0))
                    moved.capacity = Int32(room)
                    moved.childCount = 0
                    return moved
                }
            }
            old.withUnsafeMutablePointerToElements { from in
                grown.withUnsafeMutablePointerToElements { to in to.moveInitialize(from: from, count: n) }
            }
            old.header.childCount = 0
            grown.header.childCount = Int32(n)
            node = unsafeDowncast(grown, to: Node.self)
        }
        node.withUnsafeMutablePointerToElements { e in
            (e + i + 1).moveInitialize(from: e + i, count: n - i)
            (e + i).initialize(to: child)
        }
        node.header.childCount = Int32(n + 1)
        // In place: through the `firstBytes` accessors the array would be
        // copied on every insertion.
        node.header.firstBytes.insert(byte, at: i)
        node.packFirstBytes()
    }

    /// Removes child `i`.
    func removeChild(at i: Int) {
        let n = childCount
        withUnsafeMutablePointerToElements { e in
            (e + i).deinitialize(count: 1)
            (e + i).moveInitialize(from: e + i + 1, count: n - i - 1)
        }
        header.childCount = Int32(n - 1)
        header.firstBytes.remove(at: i)
        packFirstBytes()
    }

    fileprivate func packFirstBytes() {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (i, b) in header.firstBytes.prefix(16).enumerated() {
            if i < 8 { low |= UInt64(b) << (8 * i) } else { high |= UInt64(b) << (8 * (i - 8)) }
        }
        header.packedLow = low
        header.packedHigh = high
    }

    /// The position of the child whose segment starts with `byte`, or the
    /// position where such a child would be inserted.
    @inline(__always)
    func childIndex(_ byte: UInt8) -> (index: Int, found: Bool) {
        withUnsafeMutablePointerToHeader { h in
            let n = Int(h.pointee.childCount)
            if n <= 16 {
                var word = h.pointee.packedLow
                var i = 0
                while i < n {
                    if i == 8 { word = h.pointee.packedHigh }
                    let c = UInt8(truncatingIfNeeded: word)
                    if c >= byte { return (i, c == byte) }
                    word >>= 8
                    i += 1
                }
                return (n, false)
            }
            return h.pointee.firstBytes.withUnsafeBufferPointer { fb in
                var lo = 0
                var hi = n
                while lo < hi {
                    let mid = (lo &+ hi) >> 1
                    if fb[mid] < byte { lo = mid + 1 } else { hi = mid }
                }
                return (lo, lo < n && fb[lo] == byte)
            }
        }
    }
}

/// A persistent ordered map from byte strings to byte strings.
///
/// Copies are O(1) snapshots; mutating a copy never changes another copy.
struct Trie {
    var root: Node

    /// An empty trie.
    init() {
        root = Node.make(segment: [], value: nil, count: 0)
    }

    /// The number of keys stored.
    var count: Int { root.count }

    /// Calls `body` with the borrowed value stored under `key`, or nil.
    /// Allocates nothing.
    @inline(__always)
    func withValue<R>(forKey key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        // The value array is retained, so `body` may even mutate this trie.
        guard let value = find(key)?._withUnsafeGuaranteedRef({ $0.value }) else { return try body(nil) }
        return try value.withUnsafeBytes(body)
    }

    /// Whether a value is stored under `key`.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        find(key)?._withUnsafeGuaranteedRef { $0.value != nil } ?? false
    }

    /// The node whose path spells exactly `key`, if there is one, unretained:
    /// valid until the trie is next mutated. The walk retains nothing.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Unmanaged<Node>? {
        Trie.find(key, from: Unmanaged.passUnretained(root))
    }

    /// Calls `body` with the value of `node` (nil for no node or no value)
    /// without retaining it: only for nodes that nothing can change or free
    /// while `body` runs, such as those of a published snapshot.
    @inline(__always)
    static func withBorrowedValue<R>(
        of node: Unmanaged<Node>?, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) rethrows -> R {
        guard let node else { return try body(nil) }
        return try node._withUnsafeGuaranteedRef { n in
            try n.withUnsafeMutablePointerToHeader { h in
                guard h.pointee.value != nil else { return try body(nil) }
                return try h.pointee.value!.withUnsafeBytes { try body($0) }
            }
        }
    }

    /// The node below `root` whose path spells exactly `key`, unretained.
    @inline(__always)
    static func find(_ key: UnsafeRawBufferPointer, from root: Unmanaged<Node>) -> Unmanaged<Node>? {
        var node = root
        var offset = 0
        let n = key.count
        while offset < n {
            let byte = key[offset]
            let next: Unmanaged<Node>? = node._withUnsafeGuaranteedRef { parent in
                let (i, found) = parent.childIndex(byte)
                guard found else { return nil }
                let child = parent.unretainedChild(i)
                return consumeSegment(of: child, from: key, at: &offset) ? child : nil
            }
            guard let next else { return nil }
            node = next
        }
        return node
    }

    /// Whether `key` continues at `offset` with `node`'s whole segment, whose
    /// first byte is known to match (it chose `node` in the parent; the
    /// root's segment is empty); if so, moves `offset` past the segment.
    /// Reads the node in place, retaining nothing.
    @inline(__always)
    static func consumeSegment(
        of node: Unmanaged<Node>, from key: UnsafeRawBufferPointer, at offset: inout Int
    ) -> Bool {
        node._withUnsafeGuaranteedRef { c -> Bool in
            c.withUnsafeMutablePointerToHeader { h in
                let length = h.pointee.segmentLength
                guard key.count - offset >= length else { return false }
                if length > 1 {
                    let start = offset
                    let same = c.withSegment { s -> Bool in
                        var k = 1
                        while k < length {
                            if s[k] != key[start + k] { return false }
                            k += 1
                        }
                        return true
                    }
                    guard same else { return false }
                }
                offset += length
                return true
            }
        }
    }

    /// The number of keys that start with `prefix`, from the subtree counts:
    /// O(length of `prefix`), whatever the number of keys.
    func count(withPrefix prefix: UnsafeRawBufferPointer) -> Int {
        var node = root
        var offset = 0
        while offset < prefix.count {
            let (i, found) = node.childIndex(prefix[offset])
            guard found else { return 0 }
            let child = node.child(i)
            let agrees = child.withSegment { s -> Bool in
                var k = 1
                while k < s.count && offset + k < prefix.count {
                    if s[k] != prefix[offset + k] { return false }
                    k += 1
                }
                return true
            }
            guard agrees else { return 0 }
            offset += child.segmentLength
            node = child
        }
        return node.count
    }

    /// Stores `value` under `key`. Returns true when the key was new.
    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool {
        Trie.insert(into: &root, key, 0, value)
    }

    /// Removes `key`. Returns true when it was present.
    @discardableResult
    mutating func remove(_ key: UnsafeRawBufferPointer) -> Bool {
        // Looking first keeps a missing key from copying the path.
        guard contains(key) else { return false }
        Trie.remove(from: &root, key, 0)
        return true
    }

    /// Removes every key in `lower ..< upper` (nil bounds are open).
    /// Returns the number of keys removed.
    @discardableResult
    mutating func removeRange(lower: [UInt8]?, upper: [UInt8]?) -> Int {
        var doomed: [[UInt8]] = []
        var cursor = TrieCursor(root: root, lower: lower, upper: upper, reverse: false)
        while cursor.next() { doomed.append(cursor.key) }
        if doomed.count == count {
            self = Trie()
            return doomed.count
        }
        for key in doomed {
            key.withUnsafeBytes { Trie.remove(from: &root, $0, 0) }
        }
        return doomed.count
    }

    // MARK: - Path-copying mutation

    private static func insert(
        into node: inout Node, _ key: UnsafeRawBufferPointer, _ offset: Int, _ value: UnsafeRawBufferPointer
    ) -> Bool {
        if !isKnownUniquelyReferenced(&node) { node = node.copy() }
        if offset == key.count {
            let added = node.value == nil
            node.value = Array(value)
            if added { node.count += 1 }
            return added
        }
        let byte = key[offset]
        let (i, found) = node.childIndex(byte)
        if !found {
            let leaf = Node.make(
                segmentBytes: UnsafeRawBufferPointer(rebasing: key[offset...]), value: Array(value), count: 1)
            Node.insertChild(leaf, firstByte: byte, at: i, into: &node)
            node.count += 1
            return true
        }
        let (segmentLength, common) = node.unretainedChild(i)._withUnsafeGuaranteedRef { child in
            child.withSegment { s in
                var k = 1
                while k < s.count && offset + k < key.count && s[k] == key[offset + k] { k += 1 }
                return (s.count, k)
            }
        }
        if common == segmentLength {
            let added = node.withChildSlot(i) { insert(into: &$0, key, offset + common, value) }
            if added { node.count += 1 }
            return added
        }
        // Split the child's edge after `common` bytes under a new middle node.
        let middle = node.withChildSlot(i) { slot -> Node in
            if !isKnownUniquelyReferenced(&slot) { slot = slot.copy() }
            let child = slot
            var middle = Node.make(
                segmentBytes: UnsafeRawBufferPointer(rebasing: key[offset..<offset + common]), value: nil,
                count: child.count + 1, capacity: 2)
            let rest = child.withSegment { Array($0[common...]) }
            child.segment = rest
            let end = offset + common
            if end == key.count {
                middle.value = Array(value)
                Node.insertChild(child, firstByte: rest[0], at: 0, into: &middle)
            } else {
                let leaf = Node.make(
                    segmentBytes: UnsafeRawBufferPointer(rebasing: key[end...]), value: Array(value), count: 1)
                Node.insertChild(child, firstByte: rest[0], at: 0, into: &middle)
                let at = key[end] < rest[0] ? 0 : 1
                Node.insertChild(leaf, firstByte: key[end], at: at, into: &middle)
            }
            return middle
        }
        node.withChildSlot(i) { $0 = middle }
        node.count += 1
        return true
    }

    /// Removes `key`, which must be present below `node`.
    private static func remove(from node: inout Node, _ key: UnsafeRawBufferPointer, _ offset: Int) {
        if !isKnownUniquelyReferenced(&node) { node = node.copy() }
        node.count -= 1
        if offset == key.count {
            node.value = nil
            return
        }
        let (i, found) = node.childIndex(key[offset])
        precondition(found, "Trie.remove: key not present")
        let segmentLength = node.unretainedChild(i)._withUnsafeGuaranteedRef { $0.segmentLength }
        node.withChildSlot(i) { remove(from: &$0, key, offset + segmentLength) }

        // Restore the invariants at child i: drop it when empty, merge it into
        // its only child when it has no value.
        let child = node.children[i]
        if child.count == 0 {
            node.removeChild(at: i)
        } else if child.value == nil && child.childCount == 1 {
            let grandchild = child.withChildSlot(0) { slot -> Node in
                if !isKnownUniquelyReferenced(&slot) { slot = slot.copy() }
                return slot
            }
            grandchild.segment = child.segment + grandchild.segment
            node.withChildSlot(i) { $0 = grandchild }
        }
    }
}
