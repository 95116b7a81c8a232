/// The store suite: db_bench's workloads (RocksDB's `tools/db_bench`), with
/// its meanings: keys of `--key-size` bytes (the record number in zero-padded
/// decimal, so key order is number order), values of `--value-size`
/// pseudo-random bytes, `--batch-size` keys per write transaction.
///
/// An operation is one call: one put (or one batch of `--batch-size` puts),
/// one get, one seek, one delete; for `readseq` one scan of
/// ``StoreWorkload/scanLength`` entries.
public struct StoreWorkload: Workload {
    public enum Kind: String, CaseIterable, Sendable {
        case fillseq, fillrandom, overwrite, readrandom, readseq, seekrandom, readwhilewriting, deleterandom
    }

    /// Entries each `readseq` operation reads.
    public static let scanLength = 1000

    public let kind: Kind
    let records: Int
    let keySize: Int
    let valueSize: Int
    let batchSize: Int

    public init(_ kind: Kind, options: BenchOptions) {
        self.kind = kind
        records = options.records
        keySize = options.keySize
        valueSize = options.valueSize
        batchSize = options.batchSize
    }

    public var suite: Suite { .store }
    public var name: String { kind.rawValue }

    public var operations: [String] {
        switch kind {
        case .fillseq, .fillrandom, .overwrite: return [batchSize > 1 ? "write_batch" : "put"]
        case .readrandom, .readwhilewriting: return ["get"]
        case .readseq: return ["scan"]
        case .seekrandom: return ["seek"]
        case .deleterandom: return ["delete"]
        }
    }

    public var dataset: (any Dataset)? {
        switch kind {
        case .fillseq, .fillrandom: return nil
        default: return StoreDataset(records: records, keySize: keySize, valueSize: valueSize)
        }
    }

    public var consumesDataset: Bool { kind == .deleterandom }
    public var producesDataset: (any Dataset)? {
        kind == .fillseq ? StoreDataset(records: records, keySize: keySize, valueSize: valueSize) : nil
    }
    public var runsToCompletion: Bool { kind == .fillseq || kind == .fillrandom }

    public func plannedOps(_ run: RunContext) -> Int {
        switch kind {
        case .fillseq, .fillrandom: return (records + batchSize - 1) / batchSize
        case .readseq: return max(1, records / Self.scanLength)
        default: return records
        }
    }

    public func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker {
        StoreWorker(
            workload: self, session: try run.target.kv(run.namespace), random: run.random(thread: thread),
            range: run.share(of: plannedOps(run), thread: thread), values: ValueBytes.shared(size: valueSize))
    }

    public func background(_ run: RunContext) -> (@Sendable (_ stop: @Sendable () -> Bool) throws -> Void)? {
        guard kind == .readwhilewriting else { return nil }
        let writer = StoreWorkload(.overwrite, records: records, keySize: keySize, valueSize: valueSize)
        return { stop in
            var worker = StoreWorker(
                workload: writer, session: try run.target.kv(run.namespace), random: run.random(thread: 1 << 20),
                range: 0..<Int.max, values: ValueBytes.shared(size: writer.valueSize))
            var i = 0
            while !stop() {
                try worker.perform(0, i)
                i += 1
            }
        }
    }

    init(_ kind: Kind, records: Int, keySize: Int, valueSize: Int) {
        self.kind = kind
        self.records = records
        self.keySize = keySize
        self.valueSize = valueSize
        batchSize = 1
    }
}

/// One thread of a store workload.
struct StoreWorker: BenchWorker {
    let workload: StoreWorkload
    let session: any KVSession
    var random: StressRandom
    /// This thread's share of the planned operations (fillseq writes these record numbers).
    let range: Range<Int>
    let values: ValueBytes
    var key: KeyBuffer

    init(workload: StoreWorkload, session: any KVSession, random: StressRandom, range: Range<Int>, values: ValueBytes) {
        self.workload = workload
        self.session = session
        self.random = random
        self.range = range
        self.values = values
        key = KeyBuffer(size: workload.keySize)
    }

    func choose(_ i: Int) -> Int { 0 }

    mutating func perform(_ op: Int, _ i: Int) throws {
        let records = workload.records
        switch workload.kind {
        case .fillseq, .fillrandom, .overwrite:
            if workload.batchSize == 1 {
                key.set(workload.kind == .fillseq ? range.lowerBound + i : randomRecord(records))
                let value = values.slice(i)
                try key.withBytes { try session.put($0, value) }
            } else {
                var batch: [(key: [UInt8], value: [UInt8])] = []
                batch.reserveCapacity(workload.batchSize)
                let first = (range.lowerBound + i) * workload.batchSize
                for j in 0..<workload.batchSize {
                    let n = workload.kind == .fillseq ? first + j : randomRecord(records)
                    if n >= records { break }
                    key.set(n)
                    batch.append((key.bytes, Array(values.slice(i &+ j))))
                }
                if !batch.isEmpty { try session.putBatch(batch) }
            }
        case .readrandom, .readwhilewriting:
            key.set(randomRecord(records))
            let found = try key.withBytes { try session.get($0) }
            if !found { throw HarnessError("readrandom: key \(String(decoding: key.bytes, as: UTF8.self)) is missing") }
        case .readseq:
            let chunks = max(1, records / StoreWorkload.scanLength)
            key.set(((range.lowerBound + i) % chunks) * StoreWorkload.scanLength)
            _ = try key.withBytes { try session.scan(from: $0, limit: StoreWorkload.scanLength) }
        case .seekrandom:
            key.set(randomRecord(records))
            _ = try key.withBytes { try session.scan(from: $0, limit: 1) }
        case .deleterandom:
            key.set(randomRecord(records))
            try key.withBytes { try session.delete($0) }
        }
    }

    mutating func randomRecord(_ records: Int) -> Int { Int(random.next() % UInt64(records)) }
}

/// The store suite's dataset: records 0..<N in key order, loaded in batches of 1,000.
struct StoreDataset: Dataset {
    /// Records per load transaction (the db_bench reference fills the same way).
    static let loadBatch = 1000
    let records: Int
    let keySize: Int
    let valueSize: Int

    var id: String { "store:\(records):\(keySize):\(valueSize)" }

    func load(_ run: RunContext) throws {
        let session = try run.target.kv(run.namespace)
        let values = ValueBytes.shared(size: valueSize)
        var key = KeyBuffer(size: keySize)
        var n = 0
        while n < records {
            var batch: [(key: [UInt8], value: [UInt8])] = []
            batch.reserveCapacity(Self.loadBatch)
            while batch.count < Self.loadBatch && n < records {
                key.set(n)
                batch.append((key.bytes, Array(values.slice(n))))
                n += 1
            }
            try session.putBatch(batch)
        }
    }
}
