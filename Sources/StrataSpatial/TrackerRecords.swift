import StrataStore

/// Where an object is, as of when, with its metadata.
public struct TrackedPosition: Hashable, Sendable {
    /// The object's id within its namespace.
    public let object: String
    public let point: GeoPoint
    /// Milliseconds since the Unix epoch, as given to `upsert`.
    public let time: Int64
    /// Small caller-defined metadata.
    public let data: [String: String]

    public init(object: String, point: GeoPoint, time: Int64, data: [String: String] = [:]) {
        self.object = object
        self.point = point
        self.time = time
        self.data = data
    }
}

/// A position and its great-circle distance from a query point.
public struct TrackedHit: Hashable, Sendable {
    public let position: TrackedPosition
    /// Metres, by the haversine formula.
    public let distanceMeters: Double

    public init(position: TrackedPosition, distanceMeters: Double) {
        self.position = position
        self.distanceMeters = distanceMeters
    }
}

/// The tracker's keys, all in one column family (`geo` by default). Names
/// and object ids may hold any byte but NUL, which therefore separates them:
///
/// ```
///   'h' 00 <namespace> 00 <object> 00 <time: 8 bytes> <seq: 8 bytes>  →  record   history
///   'c' 00 <namespace> 00 <object>                                    →  record   current position
///   't' 00 <namespace>                                                →  ttl ms, 8 bytes
///   'm' 00 "seq"                                                      →  next seq, 8 bytes
///
///   record = | time: 8 bytes | point (SpatialCodec) | data map (SpatialCodec) |
/// ```
///
/// Times are big-endian with the sign bit flipped, so history keys sort by
/// time and a trajectory is one range scan. `seq` is a store-wide counter
/// that keeps two updates with the same time apart, in arrival order.
enum TrackerKeys {
    static let history: UInt8 = 0x68  // 'h'
    static let current: UInt8 = 0x63  // 'c'
    static let ttl: UInt8 = 0x74  // 't'
    static let meta: UInt8 = 0x6D  // 'm'

    /// Keys are built in one allocation each (sized up front): a flush
    /// builds two per update.
    static func namespacePrefix(_ tag: UInt8, _ namespace: String, reserving extra: Int = 0) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(2 + namespace.utf8.count + extra)
        key.append(tag)
        key.append(0)
        key.append(contentsOf: namespace.utf8)
        return key
    }

    static func currentKey(_ namespace: String, _ object: String) -> [UInt8] {
        var key = namespacePrefix(current, namespace, reserving: 1 + object.utf8.count)
        key.append(0)
        key.append(contentsOf: object.utf8)
        return key
    }

    /// Every history key of one object.
    static func historyPrefix(_ namespace: String, _ object: String, reserving extra: Int = 0) -> [UInt8] {
        var key = namespacePrefix(history, namespace, reserving: 2 + object.utf8.count + extra)
        key.append(0)
        key.append(contentsOf: object.utf8)
        key.append(0)
        return key
    }

    static func historyKey(_ namespace: String, _ object: String, time: Int64, seq: UInt64) -> [UInt8] {
        var key = historyPrefix(namespace, object, reserving: 16)
        SpatialCodec.appendTime(time, to: &key)
        SpatialCodec.appendUInt64(seq, to: &key)
        return key
    }

    static let seqKey: [UInt8] = [meta, 0] + Array("seq".utf8)

    static func ttlKey(_ namespace: String) -> [UInt8] { namespacePrefix(ttl, namespace) }

    static func encodeRecord(time: Int64, point: GeoPoint, data: [String: String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(40)
        SpatialCodec.appendTime(time, to: &out)
        SpatialCodec.appendPoint(point, to: &out)
        SpatialCodec.appendData(data, to: &out)
        return out
    }

    static func decodeRecord(_ bytes: UnsafeRawBufferPointer) throws(SpatialError) -> (time: Int64, point: GeoPoint, data: [String: String]) {
        var reader = SpatialCodec.Reader(bytes)
        let time = try reader.time()
        let point = try reader.point()
        let data = try reader.data()
        return (time, point, data)
    }

    /// Splits a current-position key into namespace and object.
    static func parseCurrentKey(_ key: UnsafeRawBufferPointer) throws(SpatialError) -> (namespace: String, object: String) {
        let body = key.dropFirst(2)
        guard let sep = body.firstIndex(of: 0) else {
            throw SpatialError(.corruptRecord, "current-position key has no separator")
        }
        let ns = String(decoding: UnsafeRawBufferPointer(rebasing: key[2..<sep]), as: UTF8.self)
        let obj = String(decoding: UnsafeRawBufferPointer(rebasing: key[(sep + 1)...]), as: UTF8.self)
        return (ns, obj)
    }

    /// The seq at the end of a history key.
    static func seq(ofHistoryKey key: UnsafeRawBufferPointer) throws(SpatialError) -> UInt64 {
        var reader = SpatialCodec.Reader(key, offset: key.count - 8)
        return try reader.uint64()
    }

    /// Checks a namespace or object id: 1 to 1024 bytes of UTF-8 with no NUL.
    static func validate(name: String, what: String) throws(SpatialError) {
        let n = name.utf8.count
        guard n > 0, n <= 1024 else {
            throw SpatialError(.invalidArgument, "\(what) must be 1 to 1024 bytes, got \(n)")
        }
        guard !name.utf8.contains(0) else { throw SpatialError(.invalidArgument, "\(what) \"\(name)\" contains NUL") }
    }

    /// The most bytes of metadata one update may carry.
    static let maxDataBytes = 64 * 1024

    static func validate(data: [String: String]) throws(SpatialError) {
        let bytes = data.reduce(4) { $0 + 8 + $1.key.utf8.count + $1.value.utf8.count }
        guard bytes <= maxDataBytes else {
            throw SpatialError(.invalidArgument, "metadata is \(bytes) bytes, more than \(maxDataBytes)")
        }
    }
}

extension SpatialError.Code {
    /// The tracker was closed.
    public static let closed = SpatialError.Code("closed")
}
