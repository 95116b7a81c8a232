// The checkpoint: every column family's sorted contents in one file,
// `checkpoint`, replaced atomically (write `checkpoint.tmp`, fsync, rename,
// fsync the directory).
//
// Layout (all integers little-endian):
//
//   +------------+------------+--------------+----------------+
//   | "STRIECKP" | u32 format | u64 sequence | u32 cf count   |   header
//   +------------+------------+--------------+----------------+
//   per column family, in name order:
//   +--------------+---------+-----------------+
//   | u16 name len | name    | u64 entry count |
//   +--------------+---------+-----------------+
//     then per entry, ascending by key:
//     +-------------+-----+---------------+-------+
//     | u32 key len | key | u32 value len | value |
//     +-------------+-----+---------------+-------+
//   +-------------+
//   | u32 crc32c  |   of every byte before it
//   +-------------+
//
// `sequence` is the last commit the checkpoint contains; replay applies only
// log records above it.
import Glibc
import StrataStore

enum Checkpoint {
    static let fileName = "checkpoint"
    static let temporaryName = "checkpoint.tmp"
    static let magic: [UInt8] = Array("STRIECKP".utf8)
    static let formatVersion: UInt32 = 1

    /// Writes `families` as the checkpoint of `directory` and makes it durable.
    /// Returns the file's size.
    static func write(
        directory: String, sequence: UInt64, families: [(name: String, trie: Trie)]
    ) throws -> Int {
        let temporary = directory + "/" + temporaryName
        let file = try File(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        var out = BufferedWriter(file: file)
        try out.append(magic)
        try out.append(formatVersion)
        try out.append(sequence)
        try out.append(UInt32(families.count))
        for (name, trie) in families.sorted(by: { $0.name < $1.name }) {
            let nameBytes = Array(name.utf8)
            try out.append(UInt16(nameBytes.count))
            try out.append(nameBytes)
            try out.append(UInt64(trie.count))
            var cursor = trie.makeCursor()
            while cursor.next() {
                try cursor.withEntry { (key, value) throws in
                    try out.append(UInt32(key.count))
                    try out.append(key)
                    try out.append(UInt32(value.count))
                    try out.append(value)
                }
            }
        }
        let crc = out.crc.value
        try out.append(crc)
        try out.flush()
        try file.sync()
        try file.close()
        try renameFile(temporary, to: directory + "/" + fileName)
        try syncDirectory(directory)
        return out.written
    }

    /// Reads and verifies the checkpoint of `directory`, or returns nil when
    /// there is none. Throws `corrupt` when the checksum or layout is wrong.
    static func read(directory: String) throws -> (sequence: UInt64, families: [(String, Trie)], size: Int)? {
        let path = directory + "/" + fileName
        guard fileExists(path) else { return nil }
        let file = try File(path: path, flags: O_RDONLY)
        let bytes = try file.readAll()
        try file.close()
        guard bytes.count >= magic.count + 4 + 8 + 4 + 4 else {
            throw StoreError(.corrupt, "trie: checkpoint '\(path)' is truncated (\(bytes.count) bytes)")
        }
        let body = bytes.count - 4
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: body, as: UInt32.self).littleEndian }
        let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[..<body])) }
        guard stored == actual else {
            throw StoreError(
                .corrupt, "trie: checkpoint '\(path)' fails its checksum (stored \(stored), computed \(actual))")
        }
        var r = ByteReader(bytes, to: body, what: "checkpoint '\(path)'")
        guard try r.bytes(magic.count) == magic else {
            throw StoreError(.corrupt, "trie: '\(path)' is not a trie checkpoint")
        }
        let version = try r.integer(UInt32.self)
        guard version == formatVersion else {
            throw StoreError(
                .corrupt, "trie: checkpoint '\(path)' has format \(version); this build reads format \(formatVersion)")
        }
        let sequence = try r.integer(UInt64.self)
        let familyCount = try r.integer(UInt32.self)
        var families: [(String, Trie)] = []
        for _ in 0..<familyCount {
            let name = try r.name()
            let entries = try r.integer(UInt64.self)
            var trie = Trie()
            for _ in 0..<entries {
                let key = try r.blob()
                let value = try r.blob()
                key.withUnsafeBytes { k in value.withUnsafeBytes { v in _ = trie.insert(k, v) } }
            }
            families.append((name, trie))
        }
        guard r.remaining == 0 else { throw StoreError(.corrupt, "trie: checkpoint '\(path)' has trailing bytes") }
        return (sequence, families, bytes.count)
    }
}

/// Appends to a file through a 1 MiB buffer, checksumming what it writes.
struct BufferedWriter {
    let file: File
    private var buffer: [UInt8] = []
    private(set) var written = 0
    private(set) var crc = CRC32C()
    private static let capacity = 1 << 20

    init(file: File) {
        self.file = file
        buffer.reserveCapacity(Self.capacity)
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) throws {
        try withUnsafeBytes(of: value.littleEndian) { (raw) throws in try append(raw) }
    }

    mutating func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (raw) throws in try append(raw) }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        crc.update(bytes)
        buffer.append(contentsOf: bytes)
        written += bytes.count
        if buffer.count >= Self.capacity { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let offset = written - buffer.count
        try buffer.withUnsafeBytes { (raw) throws in try file.write(raw, at: offset) }
        buffer.removeAll(keepingCapacity: true)
    }
}
