// The write-ahead log: one record per commit, appended to the file `log`.
//
// Record (all integers little-endian):
//
//   +------------+------------+--------------------------------------+
//   | u32 length | u32 crc32c |  payload (`length` bytes)            |
//   +------------+------------+--------------------------------------+
//                 crc32c covers the payload only
//
//   payload:
//   +--------------+--------------+-------+-------+-----+
//   | u64 sequence | u32 op count | op 1  | op 2  | ... |
//   +--------------+--------------+-------+-------+-----+
//
//   op:
//   +--------+--------------+-----------+--------------------------------+
//   | u8 tag | u16 name len | cf name   | operands                       |
//   +--------+--------------+-----------+--------------------------------+
//     1 put            u32 key len, key, u32 value len, value
//     2 delete         u32 key len, key
//     3 delete-range   u8 flags (1: lower present, 2: upper present),
//                      [u32 len, lower], [u32 len, upper]
//     4 create-cf      (none)
//     5 drop-cf        (none)
//
// Replay stops at the first record that is short or fails its checksum and
// cuts the file there: a torn tail is dropped whole, never half-applied. A
// record whose checksum holds but whose payload does not decode is not a torn
// write, so it is reported as `corrupt`.
import Glibc
import StrataStore

/// One logged change.
enum LogOperation: Equatable {
    case put(family: String, key: [UInt8], value: [UInt8])
    case delete(family: String, key: [UInt8])
    case deleteRange(family: String, lower: [UInt8]?, upper: [UInt8]?)
    case createFamily(String)
    case dropFamily(String)
}

/// Builds one record's bytes as a transaction runs.
struct LogRecordBuilder {
    static let headerSize = 8

    /// Header placeholder, sequence placeholder and op count placeholder, then ops.
    private(set) var bytes: [UInt8] = [UInt8](repeating: 0, count: headerSize + 12)
    private(set) var operationCount: UInt32 = 0

    var isEmpty: Bool { operationCount == 0 }

    mutating func put(family: String, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        begin(1, family)
        appendBlob(key)
        appendBlob(value)
    }

    mutating func delete(family: String, key: UnsafeRawBufferPointer) {
        begin(2, family)
        appendBlob(key)
    }

    mutating func deleteRange(family: String, lower: [UInt8]?, upper: [UInt8]?) {
        begin(3, family)
        bytes.append((lower == nil ? 0 : 1) | (upper == nil ? 0 : 2))
        if let lower { lower.withUnsafeBytes { appendBlob($0) } }
        if let upper { upper.withUnsafeBytes { appendBlob($0) } }
    }

    mutating func createFamily(_ family: String) { begin(4, family) }
    mutating func dropFamily(_ family: String) { begin(5, family) }

    /// The finished record for commit `sequence`.
    mutating func seal(sequence: UInt64) -> [UInt8] {
        store(sequence, at: Self.headerSize)
        store(operationCount, at: Self.headerSize + 8)
        let payloadLength = bytes.count - Self.headerSize
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[Self.headerSize...])) }
        store(UInt32(payloadLength), at: 0)
        store(crc, at: 4)
        return bytes
    }

    private mutating func begin(_ tag: UInt8, _ family: String) {
        operationCount += 1
        bytes.append(tag)
        let name = Array(family.utf8)
        append(UInt16(name.count))
        bytes.append(contentsOf: name)
    }

    private mutating func appendBlob(_ blob: UnsafeRawBufferPointer) {
        append(UInt32(blob.count))
        bytes.append(contentsOf: blob)
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, b) in raw.enumerated() { bytes[offset + i] = b }
        }
    }
}

/// Reads little-endian fields from a byte buffer, throwing on overrun.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let end: Int
    let what: String

    init(_ bytes: [UInt8], from offset: Int = 0, to end: Int? = nil, what: String) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
        self.what = what
    }

    var remaining: Int { end - offset }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else {
            throw StoreError(.corrupt, "trie: \(what) ends inside a field at byte \(offset)")
        }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else {
            throw StoreError(.corrupt, "trie: \(what) ends inside a \(count)-byte field at byte \(offset)")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func blob() throws -> [UInt8] {
        try bytes(Int(try integer(UInt32.self)))
    }

    mutating func name() throws -> String {
        let raw = try bytes(Int(try integer(UInt16.self)))
        guard let name = String(validating: raw, as: UTF8.self) else {
            throw StoreError(.corrupt, "trie: \(what) holds a column family name that is not UTF-8")
        }
        return name
    }
}

/// The append-only log file of one store. Used only under the store's writer lock.
final class WriteAheadLog {
    static let fileName = "log"

    let file: File
    /// Bytes of whole records in the file.
    private(set) var size: Int

    /// Opens (creating if needed) the log in `directory`.
    init(directory: String) throws {
        file = try File(path: directory + "/" + Self.fileName, flags: O_RDWR | O_CREAT)
        size = try file.size()
    }

    /// Appends one sealed record; with `sync`, returns after it is on stable
    /// storage. On failure the file is cut back so that it ends at a whole record.
    func append(_ record: [UInt8], sync: Bool) throws {
        do {
            try record.withUnsafeBytes { (raw) throws in try file.write(raw, at: size) }
            if sync { try file.syncData() }
        } catch {
            try? file.truncate(to: size)
            throw error
        }
        size += record.count
    }

    /// Empties the log (after a checkpoint holds everything in it).
    func reset() throws {
        try file.truncate(to: 0)
        // The file is empty now even if the sync below fails: appending at the old
        // size would leave a hole of zeros that recovery reads as a torn record.
        size = 0
        try file.sync()
    }

    /// Reads every whole record, cuts a torn or corrupt tail, and returns the
    /// records as (sequence, operations).
    func recover() throws -> [(sequence: UInt64, operations: [LogOperation])] {
        let bytes = try file.readAll()
        var records: [(sequence: UInt64, operations: [LogOperation])] = []
        var offset = 0
        while bytes.count - offset >= LogRecordBuilder.headerSize {
            var header = ByteReader(bytes, from: offset, what: "log '\(file.path)'")
            let length = Int(try header.integer(UInt32.self))
            let crc = try header.integer(UInt32.self)
            let start = offset + LogRecordBuilder.headerSize
            guard length >= 12, bytes.count - start >= length else { break }  // torn
            let actual = bytes.withUnsafeBytes {
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<start + length]))
            }
            guard actual == crc else {
                // A torn tail is the last thing in the file. A bad record followed by a
                // whole, valid one is damage in the middle of the log: cutting there
                // would silently drop commits that were acknowledged, so refuse.
                if Self.wholeRecord(in: bytes, at: start + length) {
                    throw StoreError(
                        .corrupt,
                        "trie: log record at byte \(offset) of '\(file.path)' fails its checksum but whole records follow it; the log is damaged, not torn"
                    )
                }
                break
            }
            var reader = ByteReader(
                bytes, from: start, to: start + length, what: "log record at byte \(offset) of '\(file.path)'")
            records.append(try Self.decode(&reader))
            offset = start + length
        }
        if offset < bytes.count {
            try file.truncate(to: offset)
            try file.sync()
        }
        size = offset
        return records
    }

    /// Whether a complete record with a valid checksum starts at `offset`.
    private static func wholeRecord(in bytes: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, bytes.count - offset >= LogRecordBuilder.headerSize else { return false }
        var header = ByteReader(bytes, from: offset, what: "log")
        guard let length = try? Int(header.integer(UInt32.self)), let crc = try? header.integer(UInt32.self) else {
            return false
        }
        let start = offset + LogRecordBuilder.headerSize
        guard length >= 12, bytes.count - start >= length else { return false }
        let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<start + length])) }
        return actual == crc
    }

    private static func decode(_ r: inout ByteReader) throws -> (sequence: UInt64, operations: [LogOperation]) {
        let sequence = try r.integer(UInt64.self)
        let count = try r.integer(UInt32.self)
        var operations: [LogOperation] = []
        for _ in 0..<count {
            let tag = try r.integer(UInt8.self)
            let family = try r.name()
            switch tag {
            case 1: operations.append(.put(family: family, key: try r.blob(), value: try r.blob()))
            case 2: operations.append(.delete(family: family, key: try r.blob()))
            case 3:
                let flags = try r.integer(UInt8.self)
                let lower = flags & 1 != 0 ? try r.blob() : nil
                let upper = flags & 2 != 0 ? try r.blob() : nil
                operations.append(.deleteRange(family: family, lower: lower, upper: upper))
            case 4: operations.append(.createFamily(family))
            case 5: operations.append(.dropFamily(family))
            default: throw StoreError(.corrupt, "trie: \(r.what) has unknown operation tag \(tag)")
            }
        }
        guard r.remaining == 0 else { throw StoreError(.corrupt, "trie: \(r.what) has \(r.remaining) trailing bytes") }
        return (sequence, operations)
    }
}
