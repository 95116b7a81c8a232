/// A YCSB CoreWorkload over the store, in two phases reported separately:
/// `<file>-load` inserts `recordcount` records (timed), `<file>` runs
/// `operationcount` operations in the file's proportions over them.
///
/// A record is `fieldcount` fields of `fieldlength` bytes, stored as one value
/// (the fields back to back). READ reads the record; UPDATE rewrites one field
/// (or all with `writeallfields`) in a read-modify-write; INSERT adds record
/// `recordcount + k`; SCAN reads up to `maxscanlength` records (uniform length)
/// from a chosen key; READ-MODIFY-WRITE reads, then updates. Over `tcp` an
/// update is a get and a put, as YCSB's client bindings do it.
public struct YCSBWorkload: Workload {
    public let spec: YCSBSpec
    public let isLoad: Bool

    public init(_ spec: YCSBSpec, load: Bool) {
        self.spec = spec
        isLoad = load
    }

    public var suite: Suite { .ycsb }
    public var name: String { isLoad ? spec.name + "-load" : spec.name }
    public var operations: [String] { isLoad ? ["INSERT"] : YCSBSpec.operationNames }
    public var dataset: (any Dataset)? { isLoad ? nil : YCSBDataset(spec: spec) }
    public var producesDataset: (any Dataset)? { isLoad ? YCSBDataset(spec: spec) : nil }
    /// Inserts add records, so a later workload needs the load again.
    public var consumesDataset: Bool { !isLoad && spec.proportions[2] > 0 }
    public var runsToCompletion: Bool { isLoad }

    public func plannedOps(_ run: RunContext) -> Int { isLoad ? spec.recordCount : spec.operationCount }

    public func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker {
        YCSBWorker(
            workload: self, session: try run.target.kv(run.namespace), random: run.random(thread: thread),
            shared: run.shared, share: run.share(of: spec.recordCount, thread: thread))
    }
}

struct YCSBWorker: BenchWorker {
    let workload: YCSBWorkload
    var spec: YCSBSpec { workload.spec }
    let session: any KVSession
    var random: StressRandom
    let shared: RunShared
    let share: Range<Int>
    var chooser: KeyChooser
    /// The thresholds of the cumulative proportions.
    let cumulative: [Double]
    var record: [UInt8]

    init(workload: YCSBWorkload, session: any KVSession, random: StressRandom, shared: RunShared, share: Range<Int>) {
        self.workload = workload
        self.session = session
        self.random = random
        self.shared = shared
        self.share = share
        chooser = KeyChooser(spec: workload.spec)
        var sum = 0.0
        cumulative = workload.spec.proportions.map {
            sum += $0
            return sum
        }
        record = Array(repeating: 0, count: workload.spec.fieldCount * workload.spec.fieldLength)
    }

    mutating func choose(_ i: Int) -> Int {
        if workload.isLoad { return 0 }
        let u = Double(random.next() >> 11) / Double(1 << 53)
        return cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
    }

    /// Fills `record` with the field bytes of a new version.
    mutating func fill(_ n: Int) {
        let seed = random.next()
        record.withUnsafeMutableBytes { b in
            for j in 0..<b.count { b[j] = UInt8(ascii: "a") &+ UInt8(truncatingIfNeeded: (seed >> (j % 7 * 8)) &+ UInt64(j)) % 26 }
        }
    }

    mutating func target() -> Int {
        chooser.next(&random, available: spec.recordCount + shared.acknowledged.load(ordering: .relaxed))
    }

    mutating func update(_ n: Int) throws {
        let key = spec.key(n)
        let field = Int(random.next() % UInt64(spec.fieldCount))
        let length = spec.fieldLength
        let all = spec.writeAllFields
        let stamp = UInt8(truncatingIfNeeded: random.next() % 26) &+ UInt8(ascii: "a")
        try key.withUnsafeBytes { k in
            try session.update(k) { old in
                var value = old.map { Array($0) } ?? Array(repeating: UInt8(ascii: "a"), count: spec.fieldCount * length)
                let range = all ? 0..<value.count : (field * length)..<min(value.count, (field + 1) * length)
                for j in range { value[j] = stamp }
                return value
            }
        }
    }

    mutating func perform(_ op: Int, _ i: Int) throws {
        if workload.isLoad {
            let n = share.lowerBound + i
            fill(n)
            let key = spec.key(n)
            try key.withUnsafeBytes { k in try record.withUnsafeBytes { try session.put(k, $0) } }
            return
        }
        switch op {
        case 0:  // READ
            let n = target()
            let found = try spec.key(n).withUnsafeBytes { try session.get($0) }
            if !found { throw HarnessError("READ of record \(n): not found") }
        case 1:  // UPDATE
            try update(target())
        case 2:  // INSERT
            let n = spec.recordCount + shared.inserted.add(1, ordering: .relaxed).oldValue
            fill(n)
            try spec.key(n).withUnsafeBytes { k in try record.withUnsafeBytes { try session.put(k, $0) } }
            shared.acknowledged.add(1, ordering: .relaxed)
        case 3:  // SCAN
            let length = 1 + Int(random.next() % UInt64(spec.maxScanLength))
            _ = try spec.key(target()).withUnsafeBytes { try session.scan(from: $0, limit: length) }
        default:  // READ-MODIFY-WRITE
            let n = target()
            _ = try spec.key(n).withUnsafeBytes { try session.get($0) }
            try update(n)
        }
    }
}

/// The records of a YCSB load, loaded in batches when a run needs them and no
/// load phase left them behind.
struct YCSBDataset: Dataset {
    let spec: YCSBSpec
    var id: String { "ycsb:\(spec.recordCount):\(spec.fieldCount):\(spec.fieldLength):\(spec.orderedInserts)" }

    func load(_ run: RunContext) throws {
        let session = try run.target.kv(run.namespace)
        var worker = YCSBWorker(
            workload: YCSBWorkload(spec, load: true), session: session, random: run.random(thread: 0),
            shared: run.shared, share: 0..<spec.recordCount)
        var n = 0
        while n < spec.recordCount {
            var batch: [(key: [UInt8], value: [UInt8])] = []
            while batch.count < 1000 && n < spec.recordCount {
                worker.fill(n)
                batch.append((spec.key(n), worker.record))
                n += 1
            }
            try session.putBatch(batch)
        }
    }
}
