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
public struct ResultSet: RandomAccessCollection, Sendable {
    /// The records, in result order.
    public let records: [RawDocument]

    init(records: [RawDocument]) { self.records = records }

    /// 0.
    public var startIndex: Int { records.startIndex }
    /// The number of records.
    public var endIndex: Int { records.endIndex }
    /// The record at `position` (its bytes are shared, not copied).
    public subscript(position: Int) -> RawDocument { records[position] }

    /// Every record decoded, in order.
    /// - Throws: `DocumentError` `.corrupt` for a malformed stored record.
    public func documents() throws(DocumentError) -> [Document] {
        var out: [Document] = []
        out.reserveCapacity(records.count)
        for r in records { out.append(try r.decode()) }
        return out
    }
}
