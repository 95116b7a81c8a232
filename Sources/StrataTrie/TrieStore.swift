// The trie backend: persistent tries in memory, one per column family,
// published as immutable snapshots, made durable by a write-ahead log and
// checkpoints when the store has a path.
//
//   readers ──(Mutex, O(1) copy)──► published Snapshot ◄── writer publishes
//                                                          on commit
//   writer (one at a time, WriterLock) ─► drafts (path-copied tries)
//                                      ─► log record ─► `log` (+ fdatasync)
//   checkpoint: sorted contents ─► `checkpoint.tmp` ─► rename `checkpoint`
//                                                   ─► empty `log`
import Glibc
import StrataStore
import Synchronization

/// The persistent in-memory trie backend.
///
/// `@unchecked Sendable`: `published` is guarded by its own `Mutex`; `closed`
/// is atomic; `durability`, `sequence`, `nextFamilyID` and `checkpointFailure`
/// are touched only while holding `writerLock`; everything else is immutable.
public final class TrieStore: Store, @unchecked Sendable {
    /// Read transactions over one published snapshot.
    public typealias ReadTxn = TrieReadTransaction
    /// The single writer's transaction.
    public typealias WriteTxn = TrieWriteTransaction

    /// The on-disk format this build writes and reads.
    public static let formatVersion = Checkpoint.formatVersion

    /// Registers the backend as `trie`.
    public static let descriptor = BackendDescriptor(
        name: "trie",
        summary: "persistent path-copying radix trie in memory; write-ahead log and checkpoints when given a path",
        capabilities: [.zeroCopyReads, .inMemory, .persistent, .countedPrefixes],
        version: { "format \(TrieStore.formatVersion)" },
        open: { try TrieStore(options: $0) }
    )

    /// The options the store was opened with.
    public let options: StoreOptions
    /// `trie`.
    public var backendName: String { "trie" }
    /// Persistent only when opened with a path.
    public let capabilities: StoreCapabilities

    private let published: Mutex<Snapshot>
    private let closed = Atomic<Bool>(false)
    private let writerLock = WriterLock()
    // Guarded by `writerLock`:
    private var durability: Durability?
    private var sequence: UInt64 = 0
    private var nextFamilyID: UInt64 = 0

    /// Opens (or creates) a store. With `options.path`, loads the checkpoint and
    /// replays the log there, cutting a torn tail. Throws `corrupt` for a damaged
    /// checkpoint or log record, `io` when another store holds the directory,
    /// `invalidArgument` for unknown tuning keys (only `checkpoint_mb` is known).
    public init(options: StoreOptions) throws {
        try options.checkTuningKeys(["checkpoint_mb"], backend: "trie")
        let checkpointMB = try options.tuningInt("checkpoint_mb", default: 64)
        self.options = options
        var families: [String: ColumnFamily] = [:]
        var tries: [UInt64: Trie] = [:]
        var nextID: UInt64 = 0
        func add(_ name: String, _ trie: Trie) {
            let family = ColumnFamily(name: name, id: nextID)
            nextID += 1
            families[name] = family
            tries[family.id] = trie
        }
        if let path = options.path {
            capabilities = [.zeroCopyReads, .inMemory, .persistent, .countedPrefixes]
            let opened = try Durability.open(
                directory: path, createIfMissing: options.createIfMissing, thresholdBytes: checkpointMB << 20
            )
            durability = opened.durability
            sequence = opened.sequence
            for (name, trie) in opened.families.sorted(by: { $0.key < $1.key }) { add(name, trie) }
        } else {
            capabilities = [.zeroCopyReads, .inMemory, .countedPrefixes]
        }
        if families[ColumnFamily.defaultName] == nil { add(ColumnFamily.defaultName, Trie()) }
        nextFamilyID = nextID
        published = Mutex(Snapshot(families: families, tries: tries))
    }

    private func checkOpen() throws {
        if closed.load(ordering: .acquiring) { throw StoreError(.closed, "trie: the store is closed") }
    }

    private var current: Snapshot { published.withLock { $0 } }

    /// Throws `notFound` when there is no column family `name`.
    public func columnFamily(_ name: String) throws -> ColumnFamily {
        try checkOpen()
        guard let family = current.families[name] else {
            throw StoreError(.notFound, "trie: no column family '\(name)'")
        }
        return family
    }

    /// Creates column family `name` (logged like a commit), or returns it.
    public func createColumnFamily(_ name: String) throws -> ColumnFamily {
        try ColumnFamily.validate(name: name)
        return try withWriterLock {
            let base = current
            if let existing = base.families[name] { return existing }
            let family = ColumnFamily(name: name, id: nextFamilyID)
            nextFamilyID += 1
            var record = LogRecordBuilder()
            record.createFamily(name)
            try commit(&record)
            var families = base.families
            var tries = base.tries
            families[name] = family
            tries[family.id] = Trie()
            publishCommitted(Snapshot(families: families, tries: tries))
            return family
        }
    }

    /// Drops column family `name` and its data; its handles then throw `notFound`.
    public func dropColumnFamily(_ name: String) throws {
        guard name != ColumnFamily.defaultName else {
            throw StoreError(.invalidArgument, "trie: the default column family cannot be dropped")
        }
        try withWriterLock {
            let base = current
            guard let family = base.families[name] else {
                throw StoreError(.notFound, "trie: no column family '\(name)'")
            }
            var record = LogRecordBuilder()
            record.dropFamily(name)
            try commit(&record)
            var families = base.families
            var tries = base.tries
            families[name] = nil
            tries[family.id] = nil
            publishCommitted(Snapshot(families: families, tries: tries))
            family.markDropped()
        }
    }

    /// The names of every column family, sorted.
    public func columnFamilyNames() throws -> [String] {
        try checkOpen()
        return current.families.keys.sorted()
    }

    /// Runs `body` over the current snapshot (taken in O(1)).
    public func read<R>(_ body: (TrieReadTransaction) throws -> R) throws -> R {
        try checkOpen()
        let txn = TrieReadTransaction(snapshot: current)
        defer { txn.state.finished = true }
        return try body(txn)
    }

    /// Runs `body` as the only writer; publishes its changes atomically when it
    /// returns (after logging them when durable), discards them when it throws.
    /// Also rethrows the first error an operation of the transaction threw,
    /// even if `body` caught it. Throws `invalidArgument` when called from
    /// inside another write closure on the same thread.
    public func writeOnce<R>(_ body: (TrieWriteTransaction) throws -> R) throws -> R {
        try withWriterLock {
            let txn = TrieWriteTransaction(base: current, logging: durability != nil)
            let result: R
            do {
                defer { txn.state.finished = true }
                result = try body(txn)
            }
            if let failure = txn.state.failure { throw failure }
            guard txn.changed else { return result }
            if var record = txn.record { try commit(&record) } else { sequence += 1 }
            var tries = txn.base.tries
            for (id, draft) in txn.drafts { tries[id] = draft.trie }
            publishCommitted(Snapshot(families: txn.base.families, tries: tries))
            return result
        }
    }

    /// Writes a checkpoint now (when durable) and empties the log.
    public func checkpoint() throws {
        try withWriterLock { try writeCheckpoint() }
    }

    /// Checkpoints (when durable), closes the files and releases the directory.
    /// Later calls throw `closed`; closing twice is allowed.
    public func close() throws {
        try writerLock.withLock {
            guard !closed.load(ordering: .acquiring) else { return }
            closed.store(true, ordering: .releasing)
            defer { durability = nil }
            if let durability {
                if durability.log.size > 0 { try writeCheckpoint() }
                try durability.close()
            }
        }
    }

    // MARK: - Writer side (call with `writerLock` held)

    private func withWriterLock<R>(_ body: () throws -> R) throws -> R {
        try writerLock.withLock {
            try checkOpen()
            return try body()
        }
    }

    private func publish(_ snapshot: Snapshot) {
        published.withLock { $0 = snapshot }
    }

    /// Gives the change the next sequence number and logs it when durable.
    private func commit(_ record: inout LogRecordBuilder) throws {
        let next = sequence + 1
        if let durability {
            try durability.log.append(record.seal(sequence: next), sync: options.sync)
        }
        sequence = next
    }

    /// Publishes `snapshot` (the state after commit `sequence`) and checkpoints
    /// when the log has outgrown both the threshold and the last checkpoint.
    private func publishCommitted(_ snapshot: Snapshot) {
        publish(snapshot)
        if let durability, durability.log.size > max(durability.thresholdBytes, durability.checkpointSize) {
            // The commit is durable in the log already; a failed checkpoint only
            // leaves the log longer, and is retried after the next commit.
            try? writeCheckpoint()
        }
    }

    private func writeCheckpoint() throws {
        guard let durability else { return }
        let snapshot = current
        let families = snapshot.families.map { (name: $0.key, trie: snapshot.tries[$0.value.id]!) }
        durability.checkpointSize = try Checkpoint.write(
            directory: durability.directory, sequence: sequence, families: families
        )
        try durability.log.reset()
    }
}

/// The files of a store with a path. Used only under the writer lock.
final class Durability {
    static let lockName = "LOCK"

    let directory: String
    let lockFile: File
    let log: WriteAheadLog
    let thresholdBytes: Int
    var checkpointSize: Int

    private init(directory: String, lockFile: File, log: WriteAheadLog, thresholdBytes: Int, checkpointSize: Int) {
        self.directory = directory
        self.lockFile = lockFile
        self.log = log
        self.thresholdBytes = thresholdBytes
        self.checkpointSize = checkpointSize
    }

    /// Locks `directory`, loads its checkpoint and replays its log.
    static func open(directory: String, createIfMissing: Bool, thresholdBytes: Int) throws -> (
        durability: Durability, sequence: UInt64, families: [String: Trie]
    ) {
        try ensureDirectory(directory, create: createIfMissing)
        let hadStore =
            fileExists(directory + "/" + Checkpoint.fileName) || fileExists(directory + "/" + WriteAheadLog.fileName)
        guard hadStore || createIfMissing else {
            throw StoreError(.notFound, "trie: no store in '\(directory)' and createIfMissing is off")
        }
        let lockFile = try File(path: directory + "/" + lockName, flags: O_RDWR | O_CREAT)
        try lockFile.lockExclusively(what: directory)

        var families: [String: Trie] = [:]
        var sequence: UInt64 = 0
        var checkpointSize = 0
        if let loaded = try Checkpoint.read(directory: directory) {
            sequence = loaded.sequence
            checkpointSize = loaded.size
            for (name, trie) in loaded.families { families[name] = trie }
        }
        let log = try WriteAheadLog(directory: directory)
        for (recordSequence, operations) in try log.recover() where recordSequence > sequence {
            for operation in operations { try apply(operation, to: &families, directory: directory) }
            sequence = recordSequence
        }
        if !hadStore { try syncDirectory(directory) }
        let durability = Durability(
            directory: directory, lockFile: lockFile, log: log, thresholdBytes: thresholdBytes,
            checkpointSize: checkpointSize
        )
        return (durability, sequence, families)
    }

    private static func apply(_ operation: LogOperation, to families: inout [String: Trie], directory: String) throws {
        func missing(_ name: String) -> StoreError {
            StoreError(.corrupt, "trie: log in '\(directory)' writes to column family '\(name)', which does not exist")
        }
        func update(_ name: String, _ change: (inout Trie) -> Void) throws {
            if name == ColumnFamily.defaultName && families[name] == nil { families[name] = Trie() }
            guard families[name] != nil else { throw missing(name) }
            change(&families[name]!)
        }
        switch operation {
        case .put(let family, let key, let value):
            try update(family) { t in key.withUnsafeBytes { k in value.withUnsafeBytes { v in _ = t.insert(k, v) } } }
        case .delete(let family, let key):
            try update(family) { t in key.withUnsafeBytes { _ = t.remove($0) } }
        case .deleteRange(let family, let lower, let upper):
            try update(family) { t in _ = t.removeRange(lower: lower, upper: upper) }
        case .createFamily(let name):
            if families[name] == nil { families[name] = Trie() }
        case .dropFamily(let name):
            families[name] = nil
        }
    }

    func close() throws {
        try log.file.close()
        try lockFile.close()
    }
}

/// A non-recursive mutex that reports re-entry from the same thread as an
/// error instead of deadlocking (`PTHREAD_MUTEX_ERRORCHECK`).
final class WriterLock: @unchecked Sendable {
    // The pthread mutex is its own synchronization.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: () throws -> R) throws -> R {
        let code = pthread_mutex_lock(mutex)
        if code == EDEADLK {
            throw StoreError(
                .invalidArgument,
                "trie: a write or column family change was started inside a write transaction on the same thread"
            )
        }
        precondition(code == 0, "pthread_mutex_lock failed: \(code)")
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
