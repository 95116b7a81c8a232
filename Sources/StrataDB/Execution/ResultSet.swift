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
/// A projection's elements hold only its columns (``Projection``). Results
/// may outlive the closure that read them. A result of many records read
/// straight from the trie (``SharedRecords``) keeps the snapshot it was read
/// from instead of a reference to each record, so that building and
/// dropping it touches no record; the snapshot's versions of the records
/// then stay in memory while the result lives. Other results keep their
/// records' bytes alive one by one.
public struct ResultSet: RandomAccessCollection, Sendable {
    private enum Records: Sendable {
        case owned([RawDocument])
        case shared(SharedRecords)
    }
    private let storage: Records

    init(records: [RawDocument]) { storage = .owned(records) }
    init(shared: SharedRecords) { storage = .shared(shared) }

    /// Whether the result holds its snapshot rather than each record (see above).
    public var holdsSnapshot: Bool {
        if case .shared = storage { return true }
        return false
    }

    /// The records, in result order.
    public var records: [RawDocument] {
        switch storage {
        case .owned(let records): return records
        case .shared(let shared): return shared.owned()
        }
    }

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of records.
    public var endIndex: Int {
        switch storage {
        case .owned(let records): return records.count
        case .shared(let shared): return shared.count
        }
    }
    /// The record at `position` (its bytes are shared, not copied).
    public subscript(position: Int) -> RawDocument {
        switch storage {
        case .owned(let records): return records[position]
        case .shared(let shared): return shared[position]
        }
    }

    /// Every record decoded, in order.
    /// - Throws: `DocumentError` `.corrupt` for a malformed stored record.
    public func documents() throws(DocumentError) -> [Document] {
        var out: [Document] = []
        out.reserveCapacity(count)
        for r in self { out.append(try r.decode()) }
        return out
    }
}

/// Stored records that a store's ``StrataStore/ReadTransaction/valueOwner``
/// keeps alive, each held by the address of its array's storage object,
/// with no reference count: appending one and dropping them all touch no
/// record (a retain and a release each, in lines a scan has long left,
/// were about a third of an unfiltered scan of 100,000 records).
///
/// `@unchecked Sendable`: the owner is immutable and `Sendable`, and the
/// arrays it keeps are never written again, so the addresses stay valid
/// and their bytes unchanged wherever the value goes.
struct SharedRecords: @unchecked Sendable {
    private let owner: any AnyObject & Sendable
    private var arrays: [Unmanaged<AnyObject>] = []

    /// Below this many records a result keeps references instead: a small
    /// result would otherwise keep a whole snapshot for little gain.
    static let minimumCount = 256

    init(owner: any AnyObject & Sendable, capacity: Int?) {
        // An array is one reference to its storage object, which is what
        // `append` keeps and `subscript` turns back into an array.
        precondition(MemoryLayout<[UInt8]>.size == MemoryLayout<AnyObject>.size)
        self.owner = owner
        if let capacity { arrays.reserveCapacity(capacity) }
    }

    var count: Int { arrays.count }

    /// Adds `bytes`, which must be an array the owner keeps (one that the
    /// transaction's `get`, `multiGet` or a cursor's `value()` returned) and
    /// that `RawDocument(storedBytes:)` accepted.
    mutating func append(_ bytes: borrowing [UInt8]) {
        arrays.append(Unmanaged.passUnretained(unsafeBitCast(copy bytes, to: AnyObject.self)))
    }

    /// Record `i`, holding its array again (one retain, paid only for the
    /// records a caller reads).
    subscript(i: Int) -> RawDocument {
        RawDocument(acceptedStoredBytes: unsafeBitCast(arrays[i].takeUnretainedValue(), to: [UInt8].self))
    }

    /// The records as references of their own, without the owner.
    func owned() -> [RawDocument] { (0..<count).map { self[$0] } }
}
