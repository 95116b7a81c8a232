#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import StrataStore

/// Tracks moving objects: per namespace, the current position of every object
/// (the hot state: a dictionary and an R*-tree, in memory) and every update
/// ever made (the cold state: history appended through the `Store`).
///
/// ```swift
/// let tracker = try Tracker(store: store)
/// try tracker.upsert(namespace: "cars", object: "c1", point: try GeoPoint(latitude: 48.85, longitude: 2.35))
/// let near = try tracker.nearby(namespace: "cars", center: p, radiusMeters: 500, limit: 10)
/// try tracker.close()   // flushes; the caller closes the store
/// ```
///
/// Updates go through a write buffer (`Options.bufferCapacity`, 512 by
/// default) that is flushed when full, on `flush()` and on `close()`; with
/// `Options.sync` every update is written before `upsert` returns. Each flush
/// is one store transaction holding the history records, the new current
/// positions (`cur` keys) and the seq counter, so a restart loses nothing
/// that was flushed: `init` rebuilds every namespace's R*-tree (bulk load)
/// from the stored current positions, and history stays in the store.
///
/// The current position is last-writer-wins by time: an update older than the
/// object's current time is recorded in history but does not move the object
/// (equal times: the later arrival wins).
///
/// Concurrency: the hot state sits behind one mutex that every operation
/// holds only for in-memory work; store I/O (flush, trajectory scans)
/// happens outside it, under a separate flush lock that orders flushes. So a
/// reader waits at most for another in-memory step, never for a disk write.
public final class Tracker<S: Store>: Sendable {
    /// How the tracker behaves.
    public typealias Options = TrackerOptions

    public let store: S
    public let options: Options
    let cf: ColumnFamily
    let state: Locked<HotState>
    /// Held for the whole of a flush so that batches reach the store in order.
    let flushLock = Locked<Void>(())

    /// Opens the tracker kept in `store`, rebuilding the hot state from the
    /// stored current positions and TTLs.
    ///
    /// - Throws: the store's errors; `SpatialError.corruptRecord` for a record
    ///   that does not decode.
    public init(store: S, options: Options = Options()) throws {
        self.store = store
        self.options = options
        let cf = try store.createColumnFamily(options.columnFamily)
        self.cf = cf
        var objects: [String: [(id: String, current: Current)]] = [:]
        var ttls: [String: Int64] = [:]
        var nextSeq: UInt64 = 0
        try store.read { txn in
            try txn.forEach(in: cf, range: .prefix([TrackerKeys.current, 0])) { key, value in
                let (ns, obj) = try TrackerKeys.parseCurrentKey(key)
                let r = try TrackerKeys.decodeRecord(value)
                objects[ns, default: []].append((obj, Current(point: r.point, time: r.time, data: r.data)))
                return true
            }
            try txn.forEach(in: cf, range: .prefix([TrackerKeys.ttl, 0])) { key, value in
                let ns = String(decoding: UnsafeRawBufferPointer(rebasing: key[2...]), as: UTF8.self)
                var reader = SpatialCodec.Reader(value)
                ttls[ns] = Int64(bitPattern: try reader.uint64())
                return true
            }
            if let bytes = try txn.get(TrackerKeys.seqKey, in: cf) {
                nextSeq = try bytes.withUnsafeBytes { b throws(SpatialError) in
                    var reader = SpatialCodec.Reader(b)
                    return try reader.uint64()
                }
            }
        }
        var hot = HotState()
        hot.nextSeq = nextSeq
        for (name, list) in objects { hot.namespaces[name] = try NamespaceState(objects: list) }
        for (name, ttl) in ttls { hot.namespace(name).ttl = ttl }
        self.state = Locked(hot)
    }

    /// Records an update of `object` in `namespace`: appended to history, and
    /// made the current position unless the object already has a newer one.
    /// Returns whether the current position changed.
    ///
    /// - Throws: `SpatialError.invalidArgument` for an empty or over-long name
    ///   or metadata, `SpatialError.closed` after `close()`; the store's
    ///   errors when the update fills the buffer and the flush fails (the
    ///   update stays buffered then). Nothing changes when validation fails.
    @discardableResult
    public func upsert(
        namespace: String, object: String, point: GeoPoint, time: Int64? = nil, data: [String: String] = [:]
    ) throws -> Bool {
        try TrackerKeys.validate(name: namespace, what: "namespace")
        try TrackerKeys.validate(name: object, what: "object id")
        try TrackerKeys.validate(data: data)
        let t = time ?? options.clock()
        let capacity = options.bufferCapacity
        let (moved, full) = try state.withLock { s throws(SpatialError) -> (Bool, Bool) in
            guard !s.closed else { throw SpatialError(.closed, "the tracker is closed") }
            let ns = s.namespace(namespace)
            let seq = s.nextSeq
            s.nextSeq += 1
            s.pending.history.append(
                HistoryRecord(namespace: namespace, object: object, time: t, seq: seq, point: point, data: data))
            let moved = ns.update(object, point: point, time: t, data: data)
            if moved {
                s.pending.current[ObjectKey(namespace: namespace, object: object)] =
                    .some(Current(point: point, time: t, data: data))
            }
            return (moved, s.pending.history.count >= capacity)
        }
        if full || options.sync { try flush() }
        return moved
    }

    /// Removes `object` from `namespace`: its current position and its whole
    /// history, written to the store before this returns. Returns whether the
    /// object had a current position.
    ///
    /// - Throws: `SpatialError.invalidArgument`, `SpatialError.closed`; the
    ///   store's errors (nothing is removed then).
    @discardableResult
    public func delete(namespace: String, object: String) throws -> Bool {
        try TrackerKeys.validate(name: namespace, what: "namespace")
        try TrackerKeys.validate(name: object, what: "object id")
        let key = ObjectKey(namespace: namespace, object: object)
        return try flushLock.withLock { _ throws -> Bool in
            var batch = try state.withLock { s throws(SpatialError) -> Batch in
                guard !s.closed else { throw SpatialError(.closed, "the tracker is closed") }
                return s.takePending()
            }
            let taken = batch
            batch.history.removeAll { $0.namespace == namespace && $0.object == object }
            batch.current[key] = nil
            do {
                try write(batch) { txn in
                    try txn.deleteRange(.prefix(TrackerKeys.historyPrefix(namespace, object)), in: cf)
                    try txn.delete(TrackerKeys.currentKey(namespace, object), in: cf)
                }
            } catch {
                state.withLock { s in
                    s.pending.prepend(taken)
                    s.inFlight = Batch()
                }
                throw error
            }
            return state.withLock { s -> Bool in
                s.inFlight = Batch()
                s.pending.history.removeAll { $0.namespace == namespace && $0.object == object }
                s.pending.current[key] = nil
                guard let ns = s.namespaces[namespace] else { return false }
                return ns.remove(object)
            }
        }
    }

    /// Sets how long positions in `namespace` stay visible without an update,
    /// in milliseconds; nil: forever. Stored at once.
    ///
    /// - Throws: `SpatialError.invalidArgument` for a non-positive TTL; the store's errors.
    public func setTTL(namespace: String, milliseconds: Int64?) throws {
        try TrackerKeys.validate(name: namespace, what: "namespace")
        if let ms = milliseconds, ms <= 0 { throw SpatialError(.invalidArgument, "TTL \(ms) ms is not positive") }
        let key = TrackerKeys.ttlKey(namespace)
        try store.write { txn in
            if let ms = milliseconds {
                var value: [UInt8] = []
                SpatialCodec.appendUInt64(UInt64(bitPattern: ms), to: &value)
                try txn.put(key, value, in: cf)
            } else {
                try txn.delete(key, in: cf)
            }
        }
        state.withLock { s in
            let ns = s.namespace(namespace)
            ns.ttl = milliseconds
            ns.oldestBound = ns.oldestTime()
        }
    }

    /// Removes every expired position from the hot state (and, at the next
    /// flush, from the store); returns how many. Queries purge lazily anyway.
    @discardableResult
    public func purgeExpired() -> Int {
        let now = options.clock()
        return state.withLock { s in
            var n = 0
            for (name, ns) in s.namespaces { n += s.purge(name, ns, now: now) }
            return n
        }
    }

    /// Writes every buffered update to the store in one transaction.
    ///
    /// - Throws: the store's errors; the updates stay buffered then.
    public func flush() throws {
        try flushLock.withLock { _ throws in
            let batch = state.withLock { s in s.takePending() }
            guard !batch.isEmpty else { return }
            do {
                try write(batch) { _ in }
            } catch {
                state.withLock { s in
                    s.pending.prepend(batch)
                    s.inFlight = Batch()
                }
                throw error
            }
            state.withLock { s in s.inFlight = Batch() }
        }
    }

    /// Flushes and stops accepting updates. The store stays open: its owner closes it.
    /// Closing twice is allowed.
    ///
    /// - Throws: what `flush()` throws (the tracker stays open then).
    public func close() throws {
        try flush()
        state.withLock { s in s.closed = true }
        try flush()
    }

    /// Writes `batch` and then `extra` in one transaction.
    private func write(_ batch: Batch, extra: (S.WriteTxn) throws -> Void) throws {
        var entries: [(key: [UInt8], value: [UInt8])] = []
        entries.reserveCapacity(batch.history.count + batch.current.count + 1)
        var deletes: [[UInt8]] = []
        for h in batch.history {
            entries.append((
                TrackerKeys.historyKey(h.namespace, h.object, time: h.time, seq: h.seq),
                TrackerKeys.encodeRecord(time: h.time, point: h.point, data: h.data)
            ))
        }
        for (key, change) in batch.current {
            let k = TrackerKeys.currentKey(key.namespace, key.object)
            if let c = change {
                entries.append((k, TrackerKeys.encodeRecord(time: c.time, point: c.point, data: c.data)))
            } else {
                deletes.append(k)
            }
        }
        var seq: [UInt8] = []
        SpatialCodec.appendUInt64(batch.nextSeq, to: &seq)
        entries.append((TrackerKeys.seqKey, seq))
        let cf = self.cf
        try store.write { txn in
            try txn.putBatch(entries, in: cf)
            for k in deletes { try txn.delete(k, in: cf) }
            try extra(txn)
        }
    }
}

/// The tracker under the name the design uses for it.
public typealias SpatialDatabase<S: Store> = Tracker<S>

/// How a tracker behaves.
public struct TrackerOptions: Sendable {
    /// The column family holding the tracker's keys.
    public var columnFamily: String
    /// Updates buffered before a flush; at least 1.
    public var bufferCapacity: Int
    /// Write every update to the store before `upsert` returns.
    public var sync: Bool
    /// Milliseconds since the Unix epoch: the default update time and the TTL clock.
    public var clock: @Sendable () -> Int64

    public init(
        columnFamily: String = "geo", bufferCapacity: Int = 512, sync: Bool = false,
        clock: @escaping @Sendable () -> Int64 = TrackerOptions.systemClock
    ) {
        self.columnFamily = columnFamily
        self.bufferCapacity = max(1, bufferCapacity)
        self.sync = sync
        self.clock = clock
    }

    /// The wall clock in milliseconds since the Unix epoch.
    @Sendable public static func systemClock() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

