import CStrataPrefetch

// Many lookups at once, with their memory reads overlapped.
//
// One lookup is a chain of dependent reads: each node's header says where
// its child is, so a walk waits for one cache miss per level it does not
// find in cache (on a large trie, the last two or three levels and the
// value). Walking several keys round-robin, one level per key per round,
// turns that chain into a pipeline: a round hints the CPU to fetch each
// key's next node, and by the time the round comes back to that key the
// node has arrived, while the misses of the other keys were pending too.
//
//   round 1   key 0: root → hint child a0   key 1: root → hint b0   …
//   round 2   key 0: check a0 → hint a1     key 1: check b0 → hint b1 …
//   …         key i found: hint its value array (header and first lines)
//   last      read each found node's value in key order
//
// The results are exactly those of one `find` per key.

extension Trie {
    /// Where one key's walk stands: `node` spells `key[..<offset]` once its
    /// segment, which starts at `start`, has been checked.
    private struct Probe {
        var node: Unmanaged<Node>
        var start: Int
        /// 0 walking, 1 found (`node` holds the key), 2 missing.
        var state: UInt8
    }

    /// The value arrays stored under `keys` (shared, as ``find(_:)`` would
    /// reach them), in order, nil for missing keys. The walks of different
    /// keys are interleaved so that their cache misses overlap.
    static func values(forKeys keys: [[UInt8]], from root: Unmanaged<Node>) -> [[UInt8]?] {
        let n = keys.count
        var probes = [Probe](repeating: Probe(node: root, start: 0, state: 0), count: n)
        var walking = n
        while walking > 0 {
            for i in 0..<n where probes[i].state == 0 {
                let state = keys[i].withUnsafeBytes { key in advance(&probes[i], key) }
                if state != 0 { walking -= 1 }
            }
        }
        var out: [[UInt8]?] = []
        out.reserveCapacity(n)
        for probe in probes {
            out.append(probe.state == 1 ? probe.node._withUnsafeGuaranteedRef { $0.value } : nil)
        }
        return out
    }

    /// Checks the probe's node (fetched by an earlier hint) against `key`
    /// and takes one step down, hinting the next node. Returns the new state.
    @inline(__always)
    private static func advance(_ probe: inout Probe, _ key: UnsafeRawBufferPointer) -> UInt8 {
        let n = key.count
        var offset = probe.start
        // The node's segment; its first byte matched in the parent (the root's is empty).
        guard Trie.consumeSegment(of: probe.node, from: key, at: &offset) else {
            probe.state = 2
            return 2
        }
        if offset == n {
            // Found: fetch the value array's header and the record's first lines.
            probe.node._withUnsafeGuaranteedRef { c in
                c.withUnsafeMutablePointerToHeader { h in
                    let storage = Node.valueStorage(h)
                    if let storage {
                        strata_prefetch(storage)
                        strata_prefetch(storage + 64)
                        strata_prefetch(storage + 128)
                    }
                }
            }
            probe.state = 1
            return 1
        }
        let child: Unmanaged<Node>? = probe.node._withUnsafeGuaranteedRef { parent in
            let (i, found) = parent.childIndex(key[offset])
            return found ? parent.unretainedChild(i) : nil
        }
        guard let child else {
            probe.state = 2
            return 2
        }
        let header = UnsafeRawPointer(child.toOpaque())
        strata_prefetch(header)
        strata_prefetch(header + 64)
        probe.node = child
        probe.start = offset
        return 0
    }
}
