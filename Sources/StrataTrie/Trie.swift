// A persistent (path-copying) ordered radix trie over byte strings.
//
// Node layout. Every node holds the compressed edge that leads to it (its
// segment), an optional value, and its children ordered by the first byte of
// their segments, kept as two parallel arrays so a lookup scans bytes only:
//
//   +---------------------------------------------------------------+
//   | segment    [UInt8]   bytes of the edge from the parent        |
//   |                      (empty only at the root)                 |
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

/// One node of the trie; see the layout drawn at the top of this file.
///
/// Besides the arrays, the node caches in its own object the segment's length
/// and, for up to 16 children, the first bytes packed into two words, so that
/// a lookup touches one cache line per level (plus the children buffer) and
/// reads a segment's bytes only when the segment is longer than one byte.
///
/// `@exclusivity(unchecked)`: a node is mutated only by the single writer that
/// uniquely owns it, and no access in this module overlaps another to the same
/// property, so the dynamic exclusivity checks (a third of insert time) are
/// dropped.
final class Node {
    @exclusivity(unchecked) var segment: [UInt8] {
        didSet { segmentLength = segment.count }
    }
    @exclusivity(unchecked) var value: [UInt8]?
    @exclusivity(unchecked) var firstBytes: [UInt8] {
        didSet { packFirstBytes() }
    }
    @exclusivity(unchecked) var children: [Node]
    @exclusivity(unchecked) var count: Int
    /// `segment.count`.
    @exclusivity(unchecked) private(set) var segmentLength: Int
    /// `firstBytes.count`.
    @exclusivity(unchecked) private(set) var childCount: Int = 0
    /// `firstBytes[0..<8]` and `firstBytes[8..<16]`, byte i in bits 8i..<8i+8.
    @exclusivity(unchecked) private var packedLow: UInt64 = 0
    @exclusivity(unchecked) private var packedHigh: UInt64 = 0

    init(segment: [UInt8], value: [UInt8]?, firstBytes: [UInt8] = [], children: [Node] = [], count: Int) {
        self.segment = segment
        self.segmentLength = segment.count
        self.value = value
        self.firstBytes = firstBytes
        self.children = children
        self.count = count
        packFirstBytes()
    }

    /// A shallow copy: the child nodes (and array buffers) are shared.
    func copy() -> Node {
        Node(segment: segment, value: value, firstBytes: firstBytes, children: children, count: count)
    }

    private func packFirstBytes() {
        childCount = firstBytes.count
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (i, b) in firstBytes.prefix(16).enumerated() {
            if i < 8 { low |= UInt64(b) << (8 * i) } else { high |= UInt64(b) << (8 * (i - 8)) }
        }
        packedLow = low
        packedHigh = high
    }

    /// The position of the child whose segment starts with `byte`, or the
    /// position where such a child would be inserted.
    @inline(__always)
    func childIndex(_ byte: UInt8) -> (index: Int, found: Bool) {
        let n = childCount
        if n <= 16 {
            var word = packedLow
            var i = 0
            while i < n {
                if i == 8 { word = packedHigh }
                let c = UInt8(truncatingIfNeeded: word)
                if c >= byte { return (i, c == byte) }
                word >>= 8
                i += 1
            }
            return (n, false)
        }
        return firstBytes.withUnsafeBufferPointer { fb in
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

/// A persistent ordered map from byte strings to byte strings.
///
/// Copies are O(1) snapshots; mutating a copy never changes another copy.
struct Trie {
    var root: Node

    /// An empty trie.
    init() {
        root = Node(segment: [], value: nil, count: 0)
    }

    /// The number of keys stored.
    var count: Int { root.count }

    /// Calls `body` with the borrowed value stored under `key`, or nil.
    /// Allocates nothing.
    @inline(__always)
    func withValue<R>(forKey key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let node = find(key), let value = node.value else { return try body(nil) }
        return try value.withUnsafeBytes(body)
    }

    /// Whether a value is stored under `key`.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        find(key)?.value != nil
    }

    /// The node whose path spells exactly `key`, if there is one.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Node? {
        var node = root
        var offset = 0
        let n = key.count
        while offset < n {
            let (i, found) = node.childIndex(key[offset])
            guard found else { return nil }
            let child = node.children[i]
            let length = child.segmentLength
            guard n - offset >= length else { return nil }
            if length > 1 {
                // The first byte matched already.
                let matched = child.segment.withUnsafeBufferPointer { s -> Bool in
                    var k = 1
                    while k < length {
                        if s[k] != key[offset + k] { return false }
                        k += 1
                    }
                    return true
                }
                guard matched else { return nil }
            }
            offset += length
            node = child
        }
        return node
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
            let leaf = Node(segment: Array(key[offset...]), value: Array(value), count: 1)
            node.firstBytes.insert(byte, at: i)
            node.children.insert(leaf, at: i)
            node.count += 1
            return true
        }
        let segmentLength = node.children[i].segment.count
        let common = node.children[i].segment.withUnsafeBufferPointer { s in
            var k = 1
            while k < s.count && offset + k < key.count && s[k] == key[offset + k] { k += 1 }
            return k
        }
        if common == segmentLength {
            let added = insert(into: &node.children[i], key, offset + common, value)
            if added { node.count += 1 }
            return added
        }
        // Split the child's edge after `common` bytes under a new middle node.
        if !isKnownUniquelyReferenced(&node.children[i]) { node.children[i] = node.children[i].copy() }
        let child = node.children[i]
        let middle = Node(segment: Array(child.segment[..<common]), value: nil, count: child.count + 1)
        child.segment.removeFirst(common)
        let end = offset + common
        if end == key.count {
            middle.value = Array(value)
            middle.firstBytes = [child.segment[0]]
            middle.children = [child]
        } else {
            let leaf = Node(segment: Array(key[end...]), value: Array(value), count: 1)
            if leaf.segment[0] < child.segment[0] {
                middle.firstBytes = [leaf.segment[0], child.segment[0]]
                middle.children = [leaf, child]
            } else {
                middle.firstBytes = [child.segment[0], leaf.segment[0]]
                middle.children = [child, leaf]
            }
        }
        node.children[i] = middle
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
        let segmentLength = node.children[i].segment.count
        remove(from: &node.children[i], key, offset + segmentLength)

        // Restore the invariants at child i: drop it when empty, merge it into
        // its only child when it has no value.
        let child = node.children[i]
        if child.count == 0 {
            node.firstBytes.remove(at: i)
            node.children.remove(at: i)
        } else if child.value == nil && child.children.count == 1 {
            if !isKnownUniquelyReferenced(&child.children[0]) { child.children[0] = child.children[0].copy() }
            let grandchild = child.children[0]
            grandchild.segment = child.segment + grandchild.segment
            node.children[i] = grandchild
        }
    }
}
