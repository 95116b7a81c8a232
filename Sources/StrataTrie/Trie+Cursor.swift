import StrataStore

// Ordered iteration over a trie.
//
// The cursor keeps the path from the root to the current node as a stack of
// frames, and the current key as the concatenation of the frames' segments.
// Each frame says what to visit next in that node:
//
//   forward:  next == -1      the node's own value (it precedes its children)
//             next in 0..<n   child `next`, then the ones after it
//             next == n       nothing left; pop
//   reverse:  next in 0..<n   child `next`, then the ones before it
//             next == -1      the node's own value (it follows its children)
//             next == -2      nothing left; pop
//
// Seeking to a bound walks down the bound's bytes once, setting each frame to
// the first child (forward) or last child (reverse) that may hold keys inside
// the range, so a scan costs O(depth) to start and O(1) amortized per entry.

/// A lazy cursor over the keys of a trie in `lower ..< upper`.
///
/// It holds the root it was made from, so it keeps seeing that version of
/// the trie even if the trie is mutated afterwards: a writer copies every
/// node that is shared, and each node below the held root stays referenced
/// by its parent, so none of them is freed or changed while the cursor
/// lives. The frames therefore hold their nodes unretained, and a step
/// retains and releases nothing.
struct TrieCursor {
    struct Frame {
        let node: Unmanaged<Node>
        var next: Int
    }

    /// Keeps every node on the stack alive and unchanged (see above).
    private let root: Node
    private var stack: [Frame] = []
    /// The current key (valid after `next()` returned true).
    private(set) var key: [UInt8] = []
    private var current: Unmanaged<Node>?
    private let lower: [UInt8]?
    private let upper: [UInt8]?
    private let reverse: Bool

    init(root: Node, lower: [UInt8]?, upper: [UInt8]?, reverse: Bool) {
        self.lower = lower
        self.upper = upper
        self.reverse = reverse
        self.root = root
        stack.reserveCapacity(16)
        key.reserveCapacity(64)
        if let lower, let upper, !lexicographicallyLess(lower, upper) { return }  // empty range
        let top = Unmanaged.passUnretained(root)
        if reverse {
            stack.append(Frame(node: top, next: root.childCount - 1))
            if let upper { seekReverse(upper) }
        } else {
            stack.append(Frame(node: top, next: -1))
            if let lower { seekForward(lower) }
        }
    }

    /// The current value; only valid after `next()` returned true.
    var value: [UInt8] {
        guard let value = current?._withUnsafeGuaranteedRef({ $0.value }) else {
            preconditionFailure("cursor entry read before next() returned true")
        }
        return value
    }

    /// Calls `body` with the current key and value.
    func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard let current else { preconditionFailure("cursor entry read before next() returned true") }
        return try current._withUnsafeGuaranteedRef { node in
            try node.withUnsafeMutablePointerToHeader { h in
                guard h.pointee.value != nil else { preconditionFailure("cursor entry without a value") }
                return try key.withUnsafeBytes { k in try h.pointee.value!.withUnsafeBytes { v in try body(k, v) } }
            }
        }
    }

    /// Moves to the next entry; false at the end.
    mutating func next() -> Bool {
        reverse ? stepReverse() : stepForward()
    }

    private mutating func finish() -> Bool {
        stack.removeAll()
        current = nil
        return false
    }

    private mutating func stepForward() -> Bool {
        while let top = stack.last {
            let index = stack.count - 1
            let step: Step = top.node._withUnsafeGuaranteedRef { node in
                if top.next == -1 {
                    return node.hasValue ? .value : .descend(0)
                } else if top.next < node.childCount {
                    return .child(top.next)
                } else {
                    return .pop(node.segmentLength)
                }
            }
            switch step {
            case .value:
                stack[index].next = 0
                if let upper, !lexicographicallyLess(key, upper) { return finish() }
                current = top.node
                return true
            case .descend(let next):
                stack[index].next = next
            case .child(let i):
                stack[index].next = i + 1
                let child = top.node._withUnsafeGuaranteedRef { node in
                    node.prefetchForward(after: i)
                    return node.unretainedChild(i)
                }
                child._withUnsafeGuaranteedRef { c in c.withSegment { key.append(contentsOf: $0) } }
                stack.append(Frame(node: child, next: -1))
            case .pop(let length):
                stack.removeLast()
                dropKeySuffix(length)
            }
        }
        return finish()
    }

    /// Removes the last `length` bytes of `key`. Segments are mostly a byte
    /// or two long, and one `removeLast()` per byte costs less than the
    /// generic `removeLast(_:)` (a `replaceSubrange`).
    @inline(__always)
    private mutating func dropKeySuffix(_ length: Int) {
        for _ in 0..<length { key.removeLast() }
    }

    private mutating func stepReverse() -> Bool {
        while let top = stack.last {
            let index = stack.count - 1
            let step: Step = top.node._withUnsafeGuaranteedRef { node in
                if top.next >= 0 {
                    return .child(top.next)
                } else if top.next == -1 {
                    return node.hasValue ? .value : .descend(-2)
                } else {
                    return .pop(node.segmentLength)
                }
            }
            switch step {
            case .value:
                stack[index].next = -2
                if let lower, lexicographicallyLess(key, lower) { return finish() }
                current = top.node
                return true
            case .descend(let next):
                stack[index].next = next
            case .child(let i):
                stack[index].next = i - 1
                let child = top.node._withUnsafeGuaranteedRef { $0.unretainedChild(i) }
                let childCount = child._withUnsafeGuaranteedRef { c in
                    c.withSegment { key.append(contentsOf: $0) }
                    return c.childCount
                }
                stack.append(Frame(node: child, next: childCount - 1))
            case .pop(let length):
                stack.removeLast()
                dropKeySuffix(length)
            }
        }
        return finish()
    }

    /// What the top frame does next.
    private enum Step {
        case value
        case descend(Int)
        case child(Int)
        case pop(Int)
    }

    /// Positions the stack so that stepping forward yields the keys >= `bound`.
    private mutating func seekForward(_ bound: [UInt8]) {
        var offset = 0
        while true {
            let top = stack.count - 1
            let node = stack[top].node.takeUnretainedValue()
            if offset == bound.count {
                stack[top].next = -1
                return
            }
            let (j, found) = node.childIndex(bound[offset])
            guard found else {
                stack[top].next = j
                return
            }
            let child = node.child(j)
            let (k, segmentGreater) = compareSegment(child.segment, bound, offset)
            if k == child.segmentLength {
                stack[top].next = j + 1
                child.withSegment { key.append(contentsOf: $0) }
                stack.append(Frame(node: Unmanaged.passUnretained(child), next: -1))
                offset += k
                continue
            }
            // The bound ends inside the segment, or they differ at k.
            stack[top].next = segmentGreater ? j : j + 1
            return
        }
    }

    /// Positions the stack so that stepping backward yields the keys < `bound`.
    private mutating func seekReverse(_ bound: [UInt8]) {
        var offset = 0
        while true {
            let top = stack.count - 1
            let node = stack[top].node.takeUnretainedValue()
            if offset == bound.count {
                stack[top].next = -2
                return
            }
            let (j, found) = node.childIndex(bound[offset])
            guard found else {
                stack[top].next = j - 1
                return
            }
            let child = node.child(j)
            let (k, segmentGreater) = compareSegment(child.segment, bound, offset)
            if k == child.segmentLength {
                stack[top].next = j - 1
                child.withSegment { key.append(contentsOf: $0) }
                stack.append(Frame(node: Unmanaged.passUnretained(child), next: child.childCount - 1))
                offset += k
                continue
            }
            stack[top].next = segmentGreater ? j - 1 : j
            return
        }
    }

    /// The length of the common prefix of `segment` and `bound[offset...]`, and
    /// whether keys under the segment sort after the bound when they differ
    /// (including when the bound ends inside the segment).
    private func compareSegment(_ segment: [UInt8], _ bound: [UInt8], _ offset: Int) -> (Int, Bool) {
        let available = bound.count - offset
        var k = 0
        while k < segment.count && k < available && segment[k] == bound[offset + k] { k += 1 }
        if k == segment.count { return (k, false) }
        if k == available { return (k, true) }
        return (k, segment[k] > bound[offset + k])
    }
}

/// Whether `a` sorts strictly before `b` (unsigned bytes).
@inline(__always)
func lexicographicallyLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareBytes(x, y) < 0 } }
}

extension Trie {
    /// A cursor over the keys in `lower ..< upper`, ascending or descending.
    func makeCursor(lower: [UInt8]? = nil, upper: [UInt8]? = nil, reverse: Bool = false) -> TrieCursor {
        TrieCursor(root: root, lower: lower, upper: upper, reverse: reverse)
    }

    /// Visits every entry in ascending order.
    func forEach(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows {
        var cursor = makeCursor()
        while cursor.next() { try cursor.withEntry(body) }
    }
}
