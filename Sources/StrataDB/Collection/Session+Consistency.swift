import StrataDocument
import StrataQuery
import StrataStore

extension Session {
    /// Every disagreement between a collection's records and its index
    /// entries, read in this transaction's snapshot by decoding the key
    /// layout (see ``KeyLayout``):
    ///
    /// - an entry `i:<field>:<value>:<id>` whose record `d:<id>` is missing,
    ///   or whose record does not hold `value` at `field`;
    /// - a record that lacks the entry of one of its key values (a missing
    ///   field counts as null, an array as each distinct element);
    /// - an entry whose stored value is not the one its record gives
    ///   (``KeyLayout/indexEntryValue(_:value:id:)``: the typed value and
    ///   `_id`; empty for a format-1 index);
    /// - an entry of a field that has no index, a malformed key, or a
    ///   record that does not decode.
    ///
    /// Each problem is one line naming the field, value and `_id`.
    /// Throws `notFound` for a missing collection, and the store's errors.
    func indexProblems(in name: String) throws -> [String] {
        let c = try collection(name)
        var problems: [String] = []
        var records: [[UInt8]: Document] = [:]
        try txn.forEach(in: c.cf, range: .prefix(KeyLayout.recordPrefix)) { key, value in
            let encodedID = Array(key.dropFirst(KeyLayout.recordPrefix.count))
            do {
                records[encodedID] = try Document(bson: Array(value))
            } catch {
                problems.append("record \(Describe.encoded(encodedID)) does not decode: \(error)")
            }
            return true
        }
        let fields = Set(c.info.indexes.map(\.field))
        var entries = Set<[UInt8]>()
        try txn.forEach(in: c.cf, range: .prefix(Array("i:".utf8))) { k, stored in
            let key = Array(k)
            guard let colon = key.dropFirst(2).firstIndex(of: UInt8(ascii: ":")) else {
                problems.append("index key \(key) has no field separator")
                return true
            }
            let field = String(decoding: key[2..<colon], as: UTF8.self)
            guard fields.contains(field) else {
                problems.append("index entry for \(field), which has no index")
                return true
            }
            let value: ArraySlice<UInt8>
            let id: ArraySlice<UInt8>
            do {
                (value, id) = try KeyLayout.splitIndexKey(key, prefixLength: colon + 1)
            } catch {
                problems.append("index \(field) key \(key) is malformed: \(error)")
                return true
            }
            entries.insert(key)
            let shown = "\(Describe.encoded(Array(value))) → _id \(Describe.encoded(Array(id)))"
            guard let doc = records[Array(id)] else {
                problems.append("index \(field) entry \(shown) points to a missing record")
                return true
            }
            let values = FieldValues(path: FieldPath(uncheckedIndexField: field), in: doc)
            guard let held = values.keyValues.first(where: { IndexKey.encode($0).elementsEqual(value) }) else {
                problems.append("index \(field) entry \(shown): the record does not hold that value")
                return true
            }
            let index = c.info.index(field)!
            let expected = try KeyLayout.indexEntryValue(
                index, value: values.isMissing ? Value?.none : held, id: doc["_id"] ?? .null)
            if !expected.withUnsafeBytes({ compareBytes(stored, $0) == 0 }) {
                problems.append(
                    "index \(field) entry \(shown) holds \(Describe.entry(Array(stored))), not the record's \(Describe.entry(expected))"
                )
            }
            if index.covers, !values.isScalar {
                problems.append("index \(field) is marked scalar but record _id \(Describe.encoded(Array(id))) is not")
            }
            return true
        }
        for (encodedID, doc) in records {
            for field in fields.sorted() {
                for v in FieldValues(path: FieldPath(uncheckedIndexField: field), in: doc).keyValues {
                    let key = KeyLayout.indexValuePrefix(field: field, value: v) + [UInt8(ascii: ":")] + encodedID
                    if !entries.contains(key) {
                        problems.append(
                            "record \(Describe.encoded(encodedID)) is not indexed under \(field) = \(Describe.value(v))"
                        )
                    }
                }
            }
        }
        return problems
    }
}

/// The text of values and ids in problem lines.
private enum Describe {
    static func value(_ v: Value) -> String { ExtendedJSON.json(of: v).text() }

    /// A stored entry value: its fields with their types, else its bytes.
    static func entry(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "nothing" }
        guard let d = try? Document(bson: bytes) else { return "\(bytes)" }
        return d.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }

    /// An encoded value or id, decoded when it can be, else its bytes.
    static func encoded(_ bytes: [UInt8]) -> String {
        guard let v = try? IndexKey.decode(bytes) else { return "\(bytes)" }
        return value(v)
    }
}

extension ReadContext {
    /// Every disagreement between the records of `collection` and its index
    /// entries in this snapshot (an entry without its record or value, a
    /// record value without its entry, a stray or malformed entry); empty
    /// when the indexes are exact. One line per problem, naming field,
    /// value and `_id`.
    /// - Throws: `DatabaseError` `.notFound` for a missing collection; the store's errors.
    public func indexProblems(in collection: String) throws -> [String] {
        try session.indexProblems(in: collection)
    }
}
