import StrataDocument
import StrataStore

/// The keys of one collection, all in the collection's own column family
/// (`doc.<name>`):
///
///     d : <IndexKey(_id)>                              → BSON of the whole document
///     ┬─┬ ┬────────────┬
///     64 3A  order-preserving, prefix-free
///
///     i : <field> : <IndexKey(value)> : <IndexKey(_id)> → entry value (one per key value)
///     ┬─┬ ┬─────┬ ┬─┬ ┬──────────────┬ ┬─┬ ┬────────────┬
///     69 3A UTF-8 3A  tag byte first   3A  same bytes as after "d:"
///
///     entry value (format 2) := BSON {"_id": <id>, <field as nested documents>: <value>}
///                               e.g. field "a.b", value int32 7 → {"_id": 1, "a": {"b": 7}};
///                               the value is left out when the record lacks the field
///     entry value (format 1) := empty
///
/// The key orders; the value keeps the types the key's encoding folds
/// together (int32 5, int64 5 and 5.0 share a key). For a scalar index
/// (``CollectionInfo/Index/scalar``) the entry value is exactly the record's
/// projection onto the field, so a covered plan reads it instead of the record.
///
/// Records sort by `_id` (the IndexKey order is `Value.compare`'s), index
/// entries by field, then value, then `_id`. A field name holds no `:`, and
/// value encodings are prefix-free, so `i:<field>:` and `i:<field>:<value>`
/// are exact prefixes for scans. An array value gets one entry per distinct
/// element; a missing field is indexed as null, so every record appears in
/// every index.
enum KeyLayout {
    static let recordPrefix: [UInt8] = Array("d:".utf8)

    /// `d:<id>`.
    static func recordKey(id: Value) -> [UInt8] {
        var key = recordPrefix
        IndexKey.encode(id, into: &key)
        return key
    }

    /// `d:` followed by already encoded id bytes.
    static func recordKey(encodedID: some Collection<UInt8>) -> [UInt8] {
        recordPrefix + encodedID
    }

    /// `i:<field>:`.
    static func indexPrefix(field: String) -> [UInt8] {
        Array("i:\(field):".utf8)
    }

    /// `i:<field>:<value>`.
    static func indexValuePrefix(field: String, value: Value) -> [UInt8] {
        var key = indexPrefix(field: field)
        IndexKey.encode(value, into: &key)
        return key
    }

    /// `i:<field>:<value>:<id>`.
    static func indexKey(field: String, value: Value, id: Value) -> [UInt8] {
        var key = indexValuePrefix(field: field, value: value)
        key.append(UInt8(ascii: ":"))
        IndexKey.encode(id, into: &key)
        return key
    }

    /// The value stored under an index key: BSON `{"_id": id, <field>: value}`,
    /// the field nested by its dot path and left out when `value` is nil (the
    /// record lacks the field); empty for a format-1 index.
    static func indexEntryValue(_ index: CollectionInfo.Index, value: Value?, id: Value) throws -> [UInt8] {
        guard index.format >= 2 else { return [] }
        var entry: Document = ["_id": id]
        if var v = value {
            let components = index.field.split(separator: ".", omittingEmptySubsequences: false)
            for c in components.dropFirst().reversed() { v = .document(Document([(String(c), v)])) }
            entry.append(String(components[0]), v)
        }
        return try BSONEncoder().encode(entry)
    }

    /// The encoded id at the end of the index key `i:<field>:<value>:<id>`
    /// (`prefixLength` is the length of `i:<field>:`), without copying.
    /// - Throws: `DocumentError` `.corrupt` for a malformed key.
    static func indexEntryID(_ key: UnsafeRawBufferPointer, prefixLength: Int) throws -> UnsafeRawBufferPointer {
        var at = prefixLength
        guard at <= key.count else { throw DocumentError(.corrupt, "index key shorter than its prefix") }
        try IndexKey.skip(key, at: &at)
        guard at < key.count, key[at] == UInt8(ascii: ":") else {
            throw DocumentError(.corrupt, "index key without an id separator")
        }
        return UnsafeRawBufferPointer(rebasing: key[(at + 1)...])
    }

    /// Splits an index key after `prefixLength` bytes (`i:<field>:`) into
    /// the encoded value and the encoded id.
    /// - Throws: `DocumentError` `.corrupt` for a malformed key.
    static func splitIndexKey(_ key: [UInt8], prefixLength: Int) throws -> (
        value: ArraySlice<UInt8>, id: ArraySlice<UInt8>
    ) {
        var at = prefixLength
        _ = try IndexKey.decode(key, at: &at)
        guard at < key.count, key[at] == UInt8(ascii: ":") else {
            throw DocumentError(.corrupt, "index key without an id separator")
        }
        return (key[prefixLength..<at], key[(at + 1)...])
    }
}
