import StrataStore

/// Queries over the current positions (the hot state) and the history.
///
/// Every query first purges the namespace's expired positions (cheaply: only
/// when the TTL cut-off passes the oldest time seen), so expired objects are
/// never returned. An unknown namespace answers nothing.
extension Tracker {
    /// Runs `body` on the live namespace `name` under the lock, or returns `empty`.
    private func withNamespace<R>(_ name: String, empty: R, _ body: (NamespaceState) throws(SpatialError) -> R)
        throws(SpatialError) -> R
    {
        try TrackerKeys.validate(name: name, what: "namespace")
        let now = options.clock()
        return try state.withLock { s throws(SpatialError) -> R in
            guard let ns = s.namespaces[name] else { return empty }
            _ = s.purge(name, ns, now: now)
            return try body(ns)
        }
    }

    private static func position(_ id: String, _ ns: NamespaceState) -> TrackedPosition {
        ns.position(slot: ns.tree.slot(for: id)!)
    }

    private static func hits(_ hits: ArraySlice<SlotHit>, _ ns: NamespaceState) -> [TrackedHit] {
        hits.map { TrackedHit(position: ns.position(of: $0), distanceMeters: $0.distance) }
    }

    /// Points the tree's hit hint at the namespace's per-slot states, so that
    /// a distance search hints each hit's state into the cache as it finds
    /// it: slots of an incrementally built tree are in arrival order, so
    /// each is a miss of its own, and the search's remaining work then
    /// overlaps the misses instead of the hits waiting on them one by one.
    @inline(__always)
    private static func hintSlots(of ns: NamespaceState) {
        ns.tree.hitHint = (
            ns.slots.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }, MemoryLayout<SlotState>.stride
        )
    }

    /// The current position of `object`, or nil when it has none (or it expired).
    ///
    /// - Throws: `SpatialError.invalidArgument` for a bad name.
    public func get(namespace: String, object: String) throws(SpatialError) -> TrackedPosition? {
        try withNamespace(namespace, empty: nil) { ns in
            ns.tree.slot(for: object).map { ns.position(slot: $0) }
        }
    }

    /// The number of live objects in `namespace`.
    public func count(namespace: String) throws(SpatialError) -> Int {
        try withNamespace(namespace, empty: 0) { $0.count }
    }

    /// The namespaces that hold objects or a TTL, sorted.
    public func namespaces() -> [String] {
        state.withLock { s in s.namespaces.keys.sorted() }
    }

    /// The objects within `radiusMeters` of `center`, nearest first (equal distances by id), at most `limit`.
    ///
    /// - Throws: `SpatialError.invalidRadius`, `SpatialError.invalidArgument` (negative limit, bad name).
    public func nearby(namespace: String, center: GeoPoint, radiusMeters: Double, limit: Int = .max)
        throws(SpatialError) -> [TrackedHit]
    {
        try Haversine.validate(radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        return try withNamespace(namespace, empty: []) { ns throws(SpatialError) in
            Self.hintSlots(of: ns)
            return Self.hits(try ns.tree.slotsNear(center, radiusMeters: radiusMeters, limit: limit), ns)
        }
    }

    /// The `k` objects nearest to `point`, nearest first (equal distances by id).
    ///
    /// - Throws: `SpatialError.invalidArgument` for a negative `k` or a bad name.
    public func nearest(namespace: String, to point: GeoPoint, k: Int) throws(SpatialError) -> [TrackedHit] {
        try QueryArguments.check(limit: k, name: "k")
        return try withNamespace(namespace, empty: []) { ns throws(SpatialError) in
            Self.hintSlots(of: ns)
            return Self.hits(try ns.tree.slotsNearest(to: point, k: k), ns)
        }
    }

    /// `nearby(namespace:center:radiusMeters:limit:)` into a caller's array:
    /// `hits` is emptied (its capacity kept) and receives the answer, so that
    /// a caller running many queries reuses one buffer.
    ///
    /// - Throws: as `nearby(namespace:center:radiusMeters:limit:)`; `hits` is empty then.
    public func nearby(
        namespace: String, center: GeoPoint, radiusMeters: Double, limit: Int = .max, into hits: inout [TrackedHit]
    ) throws(SpatialError) {
        hits.removeAll(keepingCapacity: true)
        try Haversine.validate(radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        try withNamespace(namespace, empty: ()) { ns throws(SpatialError) in
            Self.hintSlots(of: ns)
            Self.append(try ns.tree.slotsNear(center, radiusMeters: radiusMeters, limit: limit), ns, to: &hits)
        }
    }

    /// `nearest(namespace:to:k:)` into a caller's array, emptied first (capacity kept).
    ///
    /// - Throws: as `nearest(namespace:to:k:)`; `hits` is empty then.
    public func nearest(namespace: String, to point: GeoPoint, k: Int, into hits: inout [TrackedHit])
        throws(SpatialError)
    {
        hits.removeAll(keepingCapacity: true)
        try QueryArguments.check(limit: k, name: "k")
        try withNamespace(namespace, empty: ()) { ns throws(SpatialError) in
            Self.hintSlots(of: ns)
            Self.append(try ns.tree.slotsNearest(to: point, k: k), ns, to: &hits)
        }
    }

    private static func append(_ found: ArraySlice<SlotHit>, _ ns: NamespaceState, to hits: inout [TrackedHit]) {
        hits.reserveCapacity(found.count)
        for h in found { hits.append(TrackedHit(position: ns.position(of: h), distanceMeters: h.distance)) }
    }

    /// The objects inside or on the edge of `box` (which may wrap the antimeridian), by id.
    ///
    /// - Throws: `SpatialError.invalidArgument` for a bad name.
    public func withinBoundingBox(namespace: String, _ box: BoundingBox) throws(SpatialError) -> [TrackedPosition] {
        try withNamespace(namespace, empty: []) { ns in
            ns.tree.search(in: box).map(\.id).sorted().map { Self.position($0, ns) }
        }
    }

    /// The objects inside `polygon` (holes excluded), by id.
    ///
    /// - Throws: `SpatialError.invalidArgument` for a bad name.
    public func withinPolygon(namespace: String, _ polygon: Polygon) throws(SpatialError) -> [TrackedPosition] {
        try withNamespace(namespace, empty: []) { ns in
            ns.tree.search(in: polygon.boundingBox).filter { polygon.contains($0.point) }
                .map(\.id).sorted().map { Self.position($0, ns) }
        }
    }

    /// The great-circle distance in metres between two objects' current
    /// positions, or nil when either has none.
    ///
    /// - Throws: `SpatialError.invalidArgument` for a bad name.
    public func distance(namespace: String, between a: String, and b: String) throws(SpatialError) -> Double? {
        try withNamespace(namespace, empty: nil) { ns in
            guard let p = ns.tree.point(for: a), let q = ns.tree.point(for: b) else { return nil }
            return Haversine.distance(p, q)
        }
    }

    /// The recorded updates of `object` with `from ≤ time ≤ to`, oldest first
    /// (equal times in arrival order), at most `limit`: the stored history
    /// together with updates still in the write buffer. TTL does not apply.
    ///
    /// - Throws: `SpatialError.invalidArgument` for a bad name, negative
    ///   limit or `from > to`; the store's errors.
    public func trajectory(
        namespace: String, object: String, from: Int64 = .min, to: Int64 = .max, limit: Int = .max
    ) throws -> [TrackedPosition] {
        try TrackerKeys.validate(name: namespace, what: "namespace")
        try TrackerKeys.validate(name: object, what: "object id")
        try QueryArguments.check(limit: limit, name: "limit")
        guard from <= to else { throw SpatialError(.invalidArgument, "trajectory from \(from) is after to \(to)") }
        guard limit > 0 else { return [] }
        // Buffer first, store second: a record leaves the buffer only after its
        // flush committed, so it is in one or the other (or both; seq dedupes).
        let buffered = state.withLock { s in
            (s.inFlight.history + s.pending.history).filter {
                $0.namespace == namespace && $0.object == object && $0.time >= from && $0.time <= to
            }
        }
        let prefix = TrackerKeys.historyPrefix(namespace, object)
        var lower = prefix
        SpatialCodec.appendTime(from, to: &lower)
        var upperPrefix = prefix
        SpatialCodec.appendTime(to, to: &upperPrefix)
        let range = KeyRange(lower: lower, upper: KeyRange.successor(ofPrefix: upperPrefix))
        var records: [(seq: UInt64, position: TrackedPosition)] = []
        var seen = Set<UInt64>()
        let cf = self.cf
        try store.read { txn in
            try txn.forEach(in: cf, range: range) { key, value in
                let seq = try TrackerKeys.seq(ofHistoryKey: key)
                let r = try TrackerKeys.decodeRecord(value)
                seen.insert(seq)
                records.append((seq, TrackedPosition(object: object, point: r.point, time: r.time, data: r.data)))
                // Without buffered records the stored order is final.
                return !(buffered.isEmpty && records.count >= limit)
            }
        }
        for h in buffered where !seen.contains(h.seq) {
            records.append((h.seq, TrackedPosition(object: object, point: h.point, time: h.time, data: h.data)))
        }
        records.sort { ($0.position.time, $0.seq) < ($1.position.time, $1.seq) }
        return records.prefix(limit).map(\.position)
    }
}
