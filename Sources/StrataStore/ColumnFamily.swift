import Synchronization

/// A handle to one named keyspace of a store.
///
/// Handles come from ``Store/columnFamily(_:)`` or ``Store/createColumnFamily(_:)``
/// and are cheap to pass to every operation; resolving a name once keeps string
/// hashing off the per-operation path. A handle whose column family was dropped
/// stays safe to hold: operations through it throw `notFound`.
public final class ColumnFamily: Sendable, Hashable, CustomStringConvertible {
    /// The name every store has, which cannot be dropped.
    public static let defaultName = "default"

    /// The column family's name.
    public let name: String
    /// The backend's identity for it (an LMDB `dbi`, a slot in a handle table, …).
    /// Unique among the handles one open store has handed out.
    public let id: UInt64
    private let dropped = Atomic<Bool>(false)

    public init(name: String, id: UInt64) {
        self.name = name
        self.id = id
    }

    /// Whether the column family was dropped after this handle was made.
    public var isDropped: Bool { dropped.load(ordering: .acquiring) }

    /// Called by the backend when the column family is dropped.
    public func markDropped() { dropped.store(true, ordering: .releasing) }

    /// Throws `notFound` when the column family was dropped.
    @inlinable
    public func checkLive() throws {
        if isDropped { throw StoreError(.notFound, "column family '\(name)' was dropped") }
    }

    public static func == (a: ColumnFamily, b: ColumnFamily) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { "ColumnFamily(\(name))" }

    /// Throws `invalidArgument` unless `name` is a usable column-family name:
    /// 1 to 255 bytes of UTF-8 with no NUL and no `/`.
    public static func validate(name: String) throws {
        let bytes = name.utf8.count
        guard bytes > 0, bytes <= 255 else {
            throw StoreError(.invalidArgument, "column family name must be 1 to 255 bytes, got \(bytes)")
        }
        guard !name.utf8.contains(0), !name.contains("/") else {
            throw StoreError(.invalidArgument, "column family name '\(name)' contains NUL or '/'")
        }
    }
}
