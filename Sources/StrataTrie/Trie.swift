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
final class Node {
    var segment: [UInt8]
    var value: [UInt8]?
    var firstBytes: [UInt8]
    var children: [Node]
    var count: Int

    init(segment: [UInt8], value: [UInt8]?, firstBytes: [UInt8] = [], children: [Node] = [], count: Int) {
        self.segment = segment
        self.value = value
        self.firstBytes = firstBytes
        self.children = children
        self.count = count
    }

    /// A shallow copy: the child nodes (and array buffers) are shared.
    func copy() -> Node {
        Node(segment: segment, value: value, firstBytes: firstBytes, children: children, count: count)
    }

    /// The position of the child whose segment starts with `byte`, or the
    /// position where such a child would be inserted.
    @inline(__always)
    func childIndex(_ byte: UInt8) -> (index: Int, found: Bool) {
        firstBytes.withUnsafeBufferPointer { fb in
            let n = fb.count
            if n <= 8 {
                var i = 0
                while i < n {
                    let c = fb[i]
                    if c >= byte { return (i, c == byte) }
                    i += 1
                }
                return (n, false)
            }
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
            let length = child.segment.withUnsafeBufferPointer { s -> Int in
                let len = s.count
                guard n - offset >= len else { return -1 }
                // The first byte matched already.
                var k = 1
                while k < len {
                    if s[k] != key[offset + k] { return -1 }
                    k += 1
                }
                return len
            }
            guard length > 0 else { return nil }
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
