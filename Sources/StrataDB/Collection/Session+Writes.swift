import StrataDocument
import StrataQuery
import StrataStore

/// What an update or replace did.
public struct UpdateResult: Sendable, Hashable {
    /// Records the filter matched.
    public var matched: Int
    /// Records that changed.
    public var modified: Int
    /// The `_id` of the record an upsert inserted, if it did.
    public var upsertedID: Value?
}

extension Session where Txn: WriteTransaction {
    /// Inserts one document; returns its `_id` (given, or a new UUID string).
    func insert(_ document: Document, into c: inout CollectionHandle) throws -> Value {
        var doc = document
        let id: Value
        if let given = doc["_id"] {
            try Self.validate(id: given)
            id = given
        } else {
            id = .string(UUIDString.random())
            doc = Document([("_id", id)] + doc.map { ($0.key, $0.value) })
        }
        let bytes = try BSONEncoder().encode(doc)
        let key = KeyLayout.recordKey(id: id)
        if try txn.contains(key, in: c.cf) {
            throw DatabaseError(
                .exists, "a record with _id \(ExtendedJSON.json(of: id).text()) exists in \(c.info.name)")
        }
        try txn.put(key, bytes, in: c.cf)
        try addIndexEntries(of: doc, id: id, in: &c)
        return id
    }

    func insert(_ documents: [Document], into name: String) throws -> [Value] {
        var c = try collection(name)
        let before = c.info
        var ids: [Value] = []
        for d in documents { ids.append(try insert(d, into: &c)) }
        if c.info != before { try Catalog.save(c.info, txn: txn, in: catalog) }
        return ids
    }

    func update(_ filter: Filter, _ update: Update, in name: String, many: Bool, upsert: Bool) throws -> UpdateResult {
        try modify(filter, in: name, many: many, upsert: upsert) { old in
            var new = old
            try update.apply(to: &new)
            return new
        } seed: {
            var seed = Document()
            for case .field(let p, .eq(let v)) in filter.conjuncts { try? seed.setValue(v, atPath: p.text) }
            try update.apply(to: &seed)
            return seed
        }
    }

    func replace(_ filter: Filter, with replacement: Document, in name: String, upsert: Bool) throws -> UpdateResult {
        if replacement.keys.contains(where: { $0.hasPrefix("$") }) {
            throw DatabaseError(.badRequest, "a replacement document holds no operators")
        }
        return try modify(filter, in: name, many: false, upsert: upsert) { old in
            if let newID = replacement["_id"], Value.compare(newID, old["_id"] ?? .null) != 0 {
                throw DatabaseError(.badRequest, "a replacement may not change _id")
            }
            var new = Document([("_id", old["_id"] ?? .null)])
            for (k, v) in replacement where k != "_id" { new.append(k, v) }
            return new
        } seed: {
            var seed = replacement
            if seed["_id"] == nil {
                for case .field(let p, .eq(let v)) in filter.conjuncts where p.text == "_id" {
                    seed = Document([("_id", v)] + seed.map { ($0.key, $0.value) })
                    break
                }
            }
            return seed
        }
    }

    private func modify(
        _ filter: Filter, in name: String, many: Bool, upsert: Bool,
        change: (Document) throws -> Document, seed: () throws -> Document
    ) throws -> UpdateResult {
        var c = try collection(name)
        let before = c.info
        let plan = try self.plan(try Query(filter: filter, take: many ? nil : 1), for: c, hint: .automatic)
        var targets: [Document] = []
        try Executor(session: self, collection: c, plan: plan).run { raw in
            targets.append(try raw.decode())
            return true
        }
        var result = UpdateResult(matched: targets.count, modified: 0, upsertedID: nil)
        for old in targets {
            let new = try change(old)
            guard new != old, let id = old["_id"] else { continue }
            try txn.put(KeyLayout.recordKey(id: id), try BSONEncoder().encode(new), in: c.cf)
            try removeIndexEntries(of: old, id: id, in: c, keeping: new)
            try addIndexEntries(of: new, id: id, in: &c)
            result.modified += 1
        }
        if targets.isEmpty && upsert {
            result.upsertedID = try insert(try seed(), into: &c)
        }
        if c.info != before { try Catalog.save(c.info, txn: txn, in: catalog) }
        return result
    }

    func delete(_ filter: Filter, in name: String, many: Bool) throws -> Int {
        let c = try collection(name)
        let plan = try self.plan(try Query(filter: filter, take: many ? nil : 1), for: c, hint: .automatic)
        var targets: [Document] = []
        try Executor(session: self, collection: c, plan: plan).run { raw in
            targets.append(try raw.decode())
            return true
        }
        for old in targets {
            guard let id = old["_id"] else { continue }
            try txn.delete(KeyLayout.recordKey(id: id), in: c.cf)
            try removeIndexEntries(of: old, id: id, in: c, keeping: nil)
        }
        return targets.count
    }

    func createIndex(_ field: String, in name: String) throws {
        try Catalog.validate(indexField: field)
        var c = try collection(name)
        if c.info.index(field) != nil {
            throw DatabaseError(.exists, "collection \(c.info.name) already has an index on \(field)")
        }
        let path = try FieldPath(field)
        var index = CollectionInfo.Index(field: field, multikey: false, scalar: true)
        var entries: [(key: [UInt8], value: [UInt8])] = []
        try txn.forEach(in: c.cf, range: .prefix(KeyLayout.recordPrefix)) { key, value in
            let raw = try RawDocument(bytes: Array(value))
            let values = try FieldValues(path: path, in: raw)
            let keys = values.keyValues
            if keys.count > 1 { index.multikey = true }
            if !values.isScalar { index.scalar = false }
            let encodedID = key.dropFirst(KeyLayout.recordPrefix.count)
            let id = try raw.value(forKey: "_id")?.decode() ?? .null
            for v in keys {
                entries.append(
                    (
                        KeyLayout.indexValuePrefix(field: field, value: v) + [UInt8(ascii: ":")] + encodedID,
                        try KeyLayout.indexEntryValue(index, value: values.isMissing ? Value?.none : v, id: id)
                    ))
            }
            return true
        }
        for e in entries { try txn.put(e.key, e.value, in: c.cf) }
        c.info.indexes.append(index)
        try Catalog.save(c.info, txn: txn, in: catalog)
    }

    func dropIndex(_ field: String, in name: String) throws {
        var c = try collection(name)
        guard c.info.index(field) != nil else {
            throw DatabaseError(.notFound, "collection \(c.info.name) has no index on \(field)")
        }
        try txn.deleteRange(.prefix(KeyLayout.indexPrefix(field: field)), in: c.cf)
        c.info.indexes.removeAll { $0.field == field }
        try Catalog.save(c.info, txn: txn, in: catalog)
    }

    private func addIndexEntries(of doc: Document, id: Value, in c: inout CollectionHandle) throws {
        for (i, index) in c.info.indexes.enumerated() {
            let values = FieldValues(path: FieldPath(uncheckedIndexField: index.field), in: doc)
            let keys = values.keyValues
            if keys.count > 1 { c.info.indexes[i].multikey = true }
            if !values.isScalar { c.info.indexes[i].scalar = false }
            for v in keys {
                // Always put, even when the key exists: a value of another
                // numeric type shares the key but not the entry value.
                try txn.put(
                    KeyLayout.indexKey(field: index.field, value: v, id: id),
                    try KeyLayout.indexEntryValue(index, value: values.isMissing ? Value?.none : v, id: id), in: c.cf)
            }
        }
    }

    /// Removes the entries of `old` that `new` (if any) does not also have;
    /// `addIndexEntries` then writes the new ones (puts are idempotent).
    private func removeIndexEntries(of old: Document, id: Value, in c: CollectionHandle, keeping new: Document?) throws
    {
        for index in c.info.indexes {
            let path = FieldPath(uncheckedIndexField: index.field)
            let keep = Set((new.map { FieldValues(path: path, in: $0).keyValues } ?? []).map { IndexKey.encode($0) })
            for v in FieldValues(path: path, in: old).keyValues where !keep.contains(IndexKey.encode(v)) {
                try txn.delete(KeyLayout.indexKey(field: index.field, value: v, id: id), in: c.cf)
            }
        }
    }

    /// Throws `badRequest` for an `_id` that cannot be a key: an array, null,
    /// undefined or a regex.
    static func validate(id: Value) throws {
        switch id {
        case .array, .null, .undefined, .regex, .minKey, .maxKey:
            throw DatabaseError(.badRequest, "_id may not be \(id.bsonType)")
        default: break
        }
    }
}

extension FieldPath {
    /// A path from the catalog, validated when the index was created.
    init(uncheckedIndexField field: String) {
        // Index fields are validated when the index is created; a damaged
        // catalog entry degrades to a path that reaches nothing.
        self = (try? FieldPath(field)) ?? (try! FieldPath("_"))
    }
}

/// Random (version 4) UUIDs as text, for generated `_id`s.
enum UUIDString {
    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(
            separator: "-")
    }
}
