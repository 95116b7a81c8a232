import StrataDocument
import StrataStore
import Synchronization

/// The decoded catalog entries a database has read, keyed by collection
/// name, each with the exact bytes it was decoded from and the version of
/// the catalog (`_sys`) it was read in.
///
/// A transaction still gets its own snapshot's entry:
/// - when the store reports the same catalog version as the cached entry's
///   (``ReadTransaction/contentVersion(of:)``: the same `_sys` contents),
///   the entry is served without reading `_sys` at all;
/// - otherwise the transaction reads its entry, and the cache only spares
///   decoding it when the bytes are the ones seen before.
///
/// A version identifies the store's contents, not this database's writes, so
/// a change made through another `Database` on the same store, or a write
/// that rolled back, is never served stale. A column family dropped since (a
/// collection dropped and created again under the same name) is resolved
/// afresh.
final class CatalogCache: Sendable {
    struct Entry {
        let bytes: [UInt8]
        /// The catalog version `bytes` were read in; nil when unknown.
        let version: ContentVersion?
        let handle: CollectionHandle
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The handle cached for `name` when it was read in catalog `version`
    /// and its column family is live.
    func handle(_ name: String, version: ContentVersion) -> CollectionHandle? {
        entries.withLock { entries in
            guard let entry = entries[name], entry.version == version, !entry.handle.cf.isDropped else { return nil }
            return entry.handle
        }
    }

    /// The handle decoded from exactly `bytes`, if cached and its column family is live.
    func handle(_ name: String, matching bytes: UnsafeRawBufferPointer) -> CollectionHandle? {
        entries.withLock { entries in
            guard let entry = entries[name], !entry.handle.cf.isDropped,
                entry.bytes.withUnsafeBytes({ compareBytes($0, bytes) == 0 })
            else { return nil }
            return entry.handle
        }
    }

    /// Remembers that `bytes`, read in catalog `version`, decode to `handle`.
    func store(_ name: String, bytes: [UInt8], version: ContentVersion?, handle: CollectionHandle) {
        entries.withLock { entries in
            // A bound on stale names: databases have few collections.
            if entries.count >= 1024 { entries.removeAll() }
            entries[name] = Entry(bytes: bytes, version: version, handle: handle)
        }
    }
}
