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

/// One namespace's current positions.
final class NamespaceState {
    var objects: [String: Current] = [:]
    let tree: RStarTree
    var ttl: Int64?
    /// A lower bound of every object's time; a purge scan is needed only when
    /// the TTL cut-off passes it.
    var oldestBound: Int64 = .max

    init(tree: RStarTree = RStarTree()) { self.tree = tree }

    func isLive(_ c: Current, now: Int64) -> Bool {
        guard let ttl else { return true }
        return now &- c.time <= ttl
    }

    /// Removes every expired object; returns their ids.
    func purgeExpired(now: Int64) -> [String] {
        guard let ttl, now &- oldestBound > ttl else { return [] }
        var expired: [String] = []
        var oldest = Int64.max
        for (id, c) in objects {
            if now &- c.time > ttl { expired.append(id) } else { oldest = min(oldest, c.time) }
        }
        for id in expired {
            objects[id] = nil
            tree.remove(id: id)
        }
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
