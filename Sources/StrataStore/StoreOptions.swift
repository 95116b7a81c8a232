/// How to open a store. Backends read the settings that apply to them and
/// ignore the rest; unknown `tuning` keys are rejected with `invalidArgument`.
public struct StoreOptions: Sendable, Hashable {
    /// Where the store keeps its files; nil asks for a purely in-memory store
    /// (only backends with ``StoreCapabilities/inMemory`` accept that).
    public var path: String?
    /// Whether a commit returns only after its data is on stable storage.
    public var sync: Bool
    /// Create the database when `path` holds none.
    public var createIfMissing: Bool
    /// Backend-specific settings, e.g. `block_cache_mb` and `write_buffer_mb`
    /// (RocksDB), `map_size_mb` (LMDB), `checkpoint_mb` (trie).
    public var tuning: [String: String]

    public init(path: String? = nil, sync: Bool = false, createIfMissing: Bool = true, tuning: [String: String] = [:]) {
        self.path = path
        self.sync = sync
        self.createIfMissing = createIfMissing
        self.tuning = tuning
    }

    /// Reads an integer tuning value, or `defaultValue` when absent.
    /// Throws `invalidArgument` when present but not a non-negative integer.
    public func tuningInt(_ key: String, default defaultValue: Int) throws -> Int {
        guard let text = tuning[key] else { return defaultValue }
        guard let value = Int(text), value >= 0 else {
            throw StoreError(.invalidArgument, "tuning '\(key)' must be a non-negative integer, got '\(text)'")
        }
        return value
    }

    /// Throws `invalidArgument` naming any tuning key not in `known`.
    public func checkTuningKeys(_ known: Set<String>, backend: String) throws {
        let unknown = Set(tuning.keys).subtracting(known)
        if !unknown.isEmpty {
            throw StoreError(
                .invalidArgument,
                "unknown \(backend) tuning \(unknown.sorted().joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))"
            )
        }
    }
}

/// Optional abilities of a backend. Generic code checks these instead of
/// asking which backend it runs on.
public struct StoreCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `withValue` lends the backend's own bytes (no copy).
    public static let zeroCopyReads = StoreCapabilities(rawValue: 1 << 0)
    /// Writers run concurrently and may conflict; `write` retries them.
    public static let optimisticWrites = StoreCapabilities(rawValue: 1 << 1)
    /// Data survives closing and reopening the store.
    public static let persistent = StoreCapabilities(rawValue: 1 << 2)
    /// The store can run without a path, entirely in memory.
    public static let inMemory = StoreCapabilities(rawValue: 1 << 3)
    /// Delete-range is native rather than a scan and delete.
    public static let nativeDeleteRange = StoreCapabilities(rawValue: 1 << 4)
    /// ``ReadTransaction/count(withPrefix:in:)`` answers from stored counts
    /// (the trie's subtree counts) without visiting the keys, so a caller may
    /// ask it freely: the document planner weighs an index against a scan
    /// with it. Without this the count visits every key it counts.
    public static let countedPrefixes = StoreCapabilities(rawValue: 1 << 5)
}
