/// The tracker's in-memory state, guarded by the tracker's mutex.
///
/// ```
///   HotState
///   ├── namespaces: name → NamespaceState
///   │     ├── objects: id → Current        (position, time, data)
///   │     ├── tree: RStarTree               (id → position, for queries)
///   │     ├── ttl: ms?                      (nil: positions never expire)
///   │     └── oldestBound                   (≤ every object's time)
///   ├── pending: Batch    updates not yet handed to the store
///   └── inFlight: Batch   updates being written by the current flush
/// ```
/// A query reads `objects` and `tree`; a trajectory also reads `pending` and
/// `inFlight`, so an update is visible from the moment `upsert` returns,
/// whether or not it has reached the store.
struct Current {
    var point: GeoPoint
    var time: Int64
    var data: [String: String]
}

/// The rest of an object's current position, beside its tree slot: 16
/// bytes, so that turning a hit into a position reads one cache line here.
struct SlotState {
    /// The time of the current position (stale in free slots).
    var time: Int64
    /// The metadata of the current position.
    var data: [String: String]
}

/// One namespace's current positions: the R*-tree holds each object's id and
/// point in a slot; `slots` holds the rest, indexed by the same slot, so a
/// query turns its hits into positions without a hash lookup.
///
/// Used only under the tracker's mutex, so its fields skip the dynamic
/// exclusivity checks (a query reads `slots` once per hit).
final class NamespaceState {
    let tree: RStarTree
    /// Per tree slot: the time and metadata of the current position.
    @exclusivity(unchecked) var slots: [SlotState] = []
    @exclusivity(unchecked) var ttl: Int64?
    /// A lower bound of every object's time; a purge scan is needed only when
    /// the TTL cut-off passes it.
    @exclusivity(unchecked) var oldestBound: Int64 = .max

    init(tree: RStarTree = RStarTree()) { self.tree = tree }

    /// A namespace holding `objects`, bulk loaded.
    ///
    /// - Throws: `SpatialError.duplicateID` (not for keys read from one store).
    convenience init(objects: [(id: String, current: Current)]) throws(SpatialError) {
        self.init(tree: try RStarTree(bulkLoading: objects.map { SpatialEntry(id: $0.id, point: $0.current.point) }))
        slots = [SlotState](repeating: SlotState(time: 0, data: [:]), count: objects.count)
        for o in objects {
            let slot = Int(tree.slot(for: o.id)!)
            slots[slot] = SlotState(time: o.current.time, data: o.current.data)
        }
        oldestBound = slots.lazy.map(\.time).min() ?? .max
    }

    /// The number of objects.
    var count: Int { tree.count }

    /// The current position in `slot`.
    @inline(__always)
    func current(slot: Int32) -> Current {
        let s = slots[Int(slot)]
        return Current(point: tree.points[Int(slot)], time: s.time, data: s.data)
    }

    /// The current position of `id`, if any.
    func current(_ id: String) -> Current? {
        tree.slot(for: id).map { current(slot: $0) }
    }

    /// The position of the object in `slot`, as queries return it.
    @inline(__always)
    func position(slot: Int32) -> TrackedPosition {
        let s = slots[Int(slot)]
        return TrackedPosition(object: tree.id(ofSlot: slot), point: tree.points[Int(slot)], time: s.time, data: s.data)
    }

    /// The position of a query hit (its point from the hit, see `RStarTree.point(of:)`).
    @inline(__always)
    func position(of hit: SlotHit) -> TrackedPosition {
        let s = slots[Int(hit.slot)]
        return TrackedPosition(
            object: tree.id(ofSlot: hit.slot), point: tree.point(of: hit), time: s.time, data: s.data)
    }

    /// Makes `point` at `time` the object's current position unless it has a
    /// newer one (equal times: the later call wins); returns whether it did.
    func update(_ id: String, point: GeoPoint, time: Int64, data d: [String: String]) -> Bool {
        if let slot = tree.slot(for: id) {
            guard slots[Int(slot)].time <= time else { return false }
            slots[Int(slot)] = SlotState(time: time, data: d)
            tree.move(slot: slot, to: point)
        } else {
            let slot = Int(tree.insertAbsent(id: id, point: point))
            if slot == slots.count {
                slots.append(SlotState(time: time, data: d))
            } else {
                slots[slot] = SlotState(time: time, data: d)
            }
        }
        oldestBound = min(oldestBound, time)
        return true
    }

    /// Removes an object; returns whether it was present.
    func remove(_ id: String) -> Bool {
        guard let slot = tree.slot(for: id) else { return false }
        slots[Int(slot)].data = [:]
        return tree.remove(id: id)
    }

    /// The oldest time of any object, or `.max`.
    func oldestTime() -> Int64 {
        var oldest = Int64.max
        tree.forEachSlot { slot, _ in oldest = min(oldest, slots[Int(slot)].time) }
        return oldest
    }

    func isLive(_ c: Current, now: Int64) -> Bool {
        guard let ttl else { return true }
        return now &- c.time <= ttl
    }

    /// Removes every expired object; returns their ids.
    func purgeExpired(now: Int64) -> [String] {
        guard let ttl, now &- oldestBound > ttl else { return [] }
        var expired: [String] = []
        var oldest = Int64.max
        tree.forEachSlot { slot, id in
            let t = slots[Int(slot)].time
            if now &- t > ttl { expired.append(id) } else { oldest = min(oldest, t) }
        }
        for id in expired { _ = remove(id) }
        oldestBound = oldest
        return expired
    }
}

/// An update to history, as buffered.
struct HistoryRecord {
    let namespace: String
    let object: String
    let time: Int64
    let seq: UInt64
    let point: GeoPoint
    let data: [String: String]
}

/// Identifies one object.
struct ObjectKey: Hashable {
    let namespace: String
    let object: String
}

/// Buffered writes: history appends and the latest change to each current position.
struct Batch {
    var history: [HistoryRecord] = []
    /// nil: delete the stored current position.
    var current: [ObjectKey: Current?] = [:]
    /// The seq counter to persist with the batch.
    var nextSeq: UInt64 = 0

    var isEmpty: Bool { history.isEmpty && current.isEmpty }

    /// Puts `earlier` (a batch whose write failed) back before `self`.
    mutating func prepend(_ earlier: Batch) {
        history = earlier.history + history
        for (key, value) in earlier.current where current[key] == nil { current[key] = value }
    }
}

struct HotState {
    var namespaces: [String: NamespaceState] = [:]
    var pending = Batch()
    var inFlight = Batch()
    var nextSeq: UInt64 = 0
    var closed = false

    mutating func namespace(_ name: String) -> NamespaceState {
        if let ns = namespaces[name] { return ns }
        let ns = NamespaceState()
        namespaces[name] = ns
        return ns
    }

    /// Purges the expired objects of `ns`, recording deletes of their stored current positions.
    mutating func purge(_ name: String, _ ns: NamespaceState, now: Int64) -> Int {
        let expired = ns.purgeExpired(now: now)
        for id in expired { pending.current[ObjectKey(namespace: name, object: id)] = .some(nil) }
        return expired.count
    }

    /// Moves the pending batch to `inFlight` and returns it.
    mutating func takePending() -> Batch {
        var batch = pending
        batch.nextSeq = nextSeq
        pending = Batch()
        inFlight = batch
        return batch
    }
}
