import StrataStore

/// A `SpatialIndex` kept in a `Store`, so every backend serves spatial queries.
///
/// Keys, in one column family, after an optional caller prefix (which lets
/// several indexes share a column family):
///
/// ```
///   <prefix> "cell:" <cell id, 8 bytes big-endian> <object id>  →  point (SpatialCodec)
///   <prefix> "obj:"  <object id>                                →  cell id, 8 bytes big-endian
/// ```
///
/// The cell id is a Z-order curve position (`CellGrid`), so the objects of one
/// cell, and of one aligned quadtree square, are adjacent keys. A box query
/// scans the key ranges of its covering (two rectangles when it crosses the
/// antimeridian; all longitudes near a pole, as `Haversine.coveringBox` gives)
/// and filters exactly. A radius query does the same over the circle's
/// covering box, then keeps the points within the haversine distance, sorted
/// nearest first. `nearest(to:k:)` widens a radius fourfold from one kilometre until
/// the circle holds k objects; because the circle is searched exhaustively,
/// its k nearest are the true k nearest, ties broken by id.
///
/// Each mutation is one store transaction. Not `Sendable`, like every
/// `SpatialIndex`: its owner serialises access. `count` is kept in memory,
/// so one index object should own its keys.
public final class StoreCellIndex<S: Store>: SpatialIndex {
    public let store: S
    public let columnFamily: ColumnFamily
    public let grid: CellGrid
    private let cellPrefix: [UInt8]
    private let objectPrefix: [UInt8]
    /// The number of objects.
    public private(set) var count: Int

    /// Opens (or creates) the index stored in column family `columnFamilyName`
    /// under `keyPrefix`, counting the objects already there.
    ///
    /// - Throws: the store's errors.
    public init(store: S, columnFamily columnFamilyName: String, keyPrefix: [UInt8] = [], grid: CellGrid = CellGrid())
        throws
    {
        self.store = store
        self.columnFamily = try store.createColumnFamily(columnFamilyName)
        self.grid = grid
        self.cellPrefix = keyPrefix + Array("cell:".utf8)
        self.objectPrefix = keyPrefix + Array("obj:".utf8)
        let cf = columnFamily
        let range = KeyRange.prefix(objectPrefix)
        self.count = try store.read { txn in try txn.forEach(in: cf, range: range) { _, _ in true } }
    }

    private func cellKey(_ cell: UInt64, _ id: String) -> [UInt8] {
        var key = cellPrefix
        SpatialCodec.appendUInt64(cell, to: &key)
        key += id.utf8
        return key
    }

    private func objectKey(_ id: String) -> [UInt8] { objectPrefix + Array(id.utf8) }

    private static func readCell(_ bytes: UnsafeRawBufferPointer) throws -> UInt64 {
        var reader = SpatialCodec.Reader(bytes)
        return try reader.uint64()
    }

    /// Adds an object.
    ///
    /// - Throws: `SpatialError.duplicateID` when the id is present; the store's errors.
    public func insert(id: String, point: GeoPoint) throws {
        let cf = columnFamily
        let okey = objectKey(id)
        let cell = grid.cell(of: point)
        try store.write { txn in
            if try txn.contains(okey, in: cf) { throw SpatialError(.duplicateID, "id \"\(id)\" is already in the index") }
            var cellBytes: [UInt8] = []
            SpatialCodec.appendUInt64(cell, to: &cellBytes)
            try txn.put(okey, cellBytes, in: cf)
            try txn.put(cellKey(cell, id), SpatialCodec.encodePoint(point), in: cf)
        }
        count += 1
    }

    /// Removes an object; returns whether it was present.
    ///
    /// - Throws: the store's errors.
    @discardableResult
    public func remove(id: String) throws -> Bool {
        let cf = columnFamily
        let okey = objectKey(id)
        let removed = try store.write { txn -> Bool in
            guard let old = try txn.withValue(forKey: okey, in: cf, { try $0.map(Self.readCell) }) else { return false }
            try txn.delete(okey, in: cf)
            try txn.delete(cellKey(old, id), in: cf)
            return true
        }
        if removed { count -= 1 }
        return removed
    }

    /// Moves an object, inserting it when absent.
    ///
    /// - Throws: the store's errors.
    public func move(id: String, to point: GeoPoint) throws {
        let cf = columnFamily
        let okey = objectKey(id)
        let cell = grid.cell(of: point)
        let inserted = try store.write { txn -> Bool in
            let old = try txn.withValue(forKey: okey, in: cf, { try $0.map(Self.readCell) })
            if let old, old != cell { try txn.delete(cellKey(old, id), in: cf) }
            var cellBytes: [UInt8] = []
            SpatialCodec.appendUInt64(cell, to: &cellBytes)
            try txn.put(okey, cellBytes, in: cf)
            try txn.put(cellKey(cell, id), SpatialCodec.encodePoint(point), in: cf)
            return old == nil
        }
        if inserted { count += 1 }
    }

    /// Visits every stored entry whose cell is in the covering of `box`
    /// (a superset of the box's objects), in one snapshot.
    private func candidates(in box: BoundingBox, _ body: (String, GeoPoint) -> Void) throws {
        let cf = columnFamily
        let ranges = grid.covering(box).map { r -> KeyRange in
            var lower = cellPrefix
            SpatialCodec.appendUInt64(r.lowerBound, to: &lower)
            var upper = cellPrefix
            SpatialCodec.appendUInt64(r.upperBound + 1, to: &upper)
            return KeyRange(lower: lower, upper: upper)
        }
        let idOffset = cellPrefix.count + 8
        try store.read { txn in
            for range in ranges {
                try txn.forEach(in: cf, range: range) { key, value in
                    let id = String(decoding: UnsafeRawBufferPointer(rebasing: key[idOffset...]), as: UTF8.self)
                    var reader = SpatialCodec.Reader(value)
                    body(id, try reader.point())
                    return true
                }
            }
        }
    }

    /// The objects inside or on the edge of the box, in no particular order.
    ///
    /// - Throws: the store's errors; `SpatialError.corruptRecord` for an undecodable entry.
    public func search(in box: BoundingBox) throws -> [SpatialEntry] {
        var out: [SpatialEntry] = []
        try candidates(in: box) { id, p in
            if box.contains(p) { out.append(SpatialEntry(id: id, point: p)) }
        }
        return out
    }

    /// The objects within `radiusMeters` of `center`, nearest first (ties by id), at most `limit`.
    ///
    /// - Throws: `SpatialError.invalidRadius`, `SpatialError.invalidArgument`; the store's errors.
    public func search(near center: GeoPoint, radiusMeters: Double, limit: Int) throws -> [SpatialHit] {
        let box = try Haversine.coveringBox(center: center, radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        guard limit > 0, count > 0 else { return [] }
        var hits: [SpatialHit] = []
        try candidates(in: box) { id, p in
            let d = Haversine.distance(center, p)
            if d <= radiusMeters { hits.append(SpatialHit(id: id, point: p, distanceMeters: d)) }
        }
        hits.sort(by: SpatialHit.precedes)
        if hits.count > limit { hits.removeSubrange(limit...) }
        return hits
    }

    /// The `k` objects nearest to `point`, nearest first (ties by id).
    ///
    /// - Throws: `SpatialError.invalidArgument` for a negative `k`; the store's errors.
    public func nearest(to point: GeoPoint, k: Int) throws -> [SpatialHit] {
        try QueryArguments.check(limit: k, name: "k")
        guard k > 0, count > 0 else { return [] }
        var radius = 1_000.0
        while true {
            let r = min(radius, Haversine.maxRadiusMeters)
            let hits = try search(near: point, radiusMeters: r, limit: k)
            if hits.count >= k || r >= Haversine.maxRadiusMeters { return hits }
            radius *= 4  // fourfold: few rounds on sparse data, modest overscan on dense
        }
    }
}
