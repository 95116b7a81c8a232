import CStrataPrefetch
import StrataDocument

/// The records a query returned, in its order, as raw BSON: nothing is
/// decoded until asked for.
///
/// Each element is a ``RawDocument`` over the record's stored bytes (on the
/// trie backend the stored array itself, shared; other backends copy the
/// bytes out once). Read fields with ``RawDocument/value(forKey:)`` or
/// ``RawDocument/value(atPath:)`` and decode what you need, or the whole
/// record with ``RawDocument/decode(limits:)``; ``documents()`` decodes all
/// of them, which is what ``ReadContext/find(_:in:hint:)`` returns.
///
/// A projection's elements hold only its columns (``Projection``). An
/// element keeps its record's bytes alive, not the transaction: results may
/// outlive the closure that read them.
///
/// `@unchecked Sendable`: the buffer (a `ManagedBuffer`, which is not
/// `Sendable`) is written only while the query builds it, before the result
/// set exists, and only read after.
public struct ResultSet: RandomAccessCollection, @unchecked Sendable {
    private let buffer: RecordBuffer?
    private let size: Int

    init(_ builder: RecordBuffer.Builder) {
        size = builder.count
        buffer = builder.buffer
    }

    /// The records, in result order (a new array of them: O(n)).
    public var records: [RawDocument] { Array(self) }

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of records.
    public var endIndex: Int { size }
    /// The record at `position` (its bytes are shared, not copied).
    public subscript(position: Int) -> RawDocument {
        precondition(position >= 0 && position < size, "result index out of range")
        return buffer!.withUnsafeMutablePointerToElements { $0[position] }
    }

    /// Every record decoded, in order.
    /// - Throws: `DocumentError` `.corrupt` for a malformed stored record.
    public func documents() throws(DocumentError) -> [Document] {
        var out: [Document] = []
        out.reserveCapacity(size)
        for r in self { out.append(try r.decode()) }
        return out
    }
}

/// A result set's records, tail-allocated; the header is their number.
///
/// Dropping a large result releases one array per record, and each release
/// writes the array's reference count, in a cache line the query touched
/// long before: one miss per record, in a row. `deinit` hints the CPU to
/// fetch the arrays a few records ahead, so those misses overlap.
final class RecordBuffer: ManagedBuffer<Int, RawDocument> {
    /// How many records ahead `deinit` hints.
    static let releaseDistance = 8

    deinit {
        withUnsafeMutablePointers { count, records in
            let n = count.pointee
            let ahead = Self.releaseDistance
            // Where a record's array reference lies (the array's storage object).
            let offset = MemoryLayout<RawDocument>.offset(of: \.storage)!
            for i in 0..<n {
                if i + ahead < n {
                    let object = UnsafeRawPointer(records + i + ahead).load(
                        fromByteOffset: offset, as: UnsafeRawPointer.self)
                    strata_prefetch(object)
                }
                (records + i).deinitialize(count: 1)
            }
        }
    }

    /// Collects records in a buffer that doubles as it fills.
    struct Builder {
        fileprivate(set) var buffer: RecordBuffer?
        private(set) var count = 0

        mutating func append(_ record: RawDocument) {
            if count == (buffer?.capacity ?? 0) { grow() }
            buffer!.withUnsafeMutablePointers { n, e in
                (e + count).initialize(to: record)
                n.pointee += 1
            }
            count += 1
        }

        /// Moves the records into a buffer twice as large.
        private mutating func grow() {
            let made = RecordBuffer.create(minimumCapacity: max(16, 2 * count)) { _ in 0 }
            let bigger = unsafeDowncast(made, to: RecordBuffer.self)
            if let old = buffer {
                old.withUnsafeMutablePointers { oldCount, oldRecords in
                    bigger.withUnsafeMutablePointers { newCount, newRecords in
                        newRecords.moveInitialize(from: oldRecords, count: oldCount.pointee)
                        newCount.pointee = oldCount.pointee
                    }
                    oldCount.pointee = 0
                }
            }
            buffer = bigger
        }
    }
}
