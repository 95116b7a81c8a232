import StrataStore

/// The bulk checks: load every record, verify it, scan it in order, and (after
/// a reopen) verify it again.
struct LoadVerify {
    let options: StressOptions
    let backend: String
    let progress: StressProgress
    static let columnFamily = "records"

    /// `load-verify`: writes the records in batches, reads every one back and
    /// verifies it byte for byte; the count must be exact.
    func load(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.createColumnFamily(Self.columnFamily)
        let n = options.records
        progress.begin("[\(backend)] load", total: n)
        let writeStart = now()
        var index = 0
        while index < n {
            let end = min(n, index + options.batchSize)
            let batch = (index..<end).map { i -> (key: [UInt8], value: [UInt8]) in
                let key = StressRecord.recordKey(i)
                return (
                    key, StressRecord.encode(key: key, version: 1, seed: options.seed, valueSize: options.valueSize)
                )
            }
            try store.write { txn in try txn.putBatch(batch, in: cf) }
            progress.advance(by: end - index)
            index = end
        }
        let writeSeconds = now() - writeStart
        progress.end()

        let findings = Findings()
        let verifyStart = now()
        progress.begin("[\(backend)] verify", total: n)
        try verifyEach(store, cf: cf, findings: findings)
        let verifySeconds = now() - verifyStart
        progress.end()
        let bad = findings.count
        let count = try store.read { txn in try txn.forEach(in: cf) { _, _ in true } }
        if count != n { findings.report("count \(count), expected \(n)") }

        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail:
                "\(n) records of \(options.valueSize) B written in batches of \(options.batchSize), \(n - bad) verified, count \(count)",
            figures: [
                "records": Double(n),
                "write_records_per_s": Double(n) / max(writeSeconds, 1e-9),
                "verify_records_per_s": Double(n) / max(verifySeconds, 1e-9),
                "violations": Double(findings.count),
            ]
        )
        outcome.add(findings.summary("bad records"))
        return outcome
    }

    /// `reopen-verify`: after a close and reopen, every record verifies again.
    func reverify(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.columnFamily(Self.columnFamily)
        let findings = Findings()
        let start = now()
        progress.begin("[\(backend)] reopen-verify", total: options.records)
        try verifyEach(store, cf: cf, findings: findings)
        progress.end()
        let seconds = now() - start
        let bad = findings.count
        let count = try store.read { txn in try txn.forEach(in: cf) { _, _ in true } }
        if count != options.records { findings.report("count \(count), expected \(options.records)") }
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail: "\(options.records - bad) of \(options.records) records verified after reopen, count \(count)",
            figures: [
                "records": Double(options.records),
                "verify_records_per_s": Double(options.records) / max(seconds, 1e-9),
                "violations": Double(findings.count),
            ]
        )
        outcome.add(findings.summary("bad records"))
        return outcome
    }

    /// `ordered-scan`: a full scan returns every key once, strictly ascending,
    /// each value verifying.
    func orderedScan(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.columnFamily(Self.columnFamily)
        let findings = Findings()
        let seed = options.seed
        let n = options.records
        let start = now()
        progress.begin("[\(backend)] ordered-scan", total: n)
        var expected = 0
        var seen = 0
        var previous: [UInt8] = []
        _ = try store.read { txn in
            try txn.forEach(in: cf) { k, v in
                seen += 1
                if seen % 4096 == 0 { progress.advance(by: 4096) }
                if seen > 1, compareBytes(k, previous) <= 0 {
                    findings.report("key \(printable(Array(k))) after \(printable(previous)): not ascending")
                }
                previous = Array(k)
                // Records are keyed by index, so the scan must meet them in order.
                let want = StressRecord.recordKey(expected)
                if compareBytes(k, want) != 0 {
                    findings.report("expected key \(printable(want)), found \(printable(Array(k)))")
                    if let i = Int(String(decoding: k.dropFirst(3), as: UTF8.self)) { expected = i }
                }
                expected += 1
                switch StressRecord.verify(v, key: k, seed: seed) {
                case .valid(let version) where version != 1:
                    findings.report("key \(printable(Array(k))): expected version 1, found \(version)")
                case .valid: break
                case .invalid(let why): findings.report("key \(printable(Array(k))): \(why)")
                }
                return true
            }
        }
        progress.end()
        if seen != n { findings.report("scan returned \(seen) entries, expected \(n)") }
        let seconds = now() - start
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail: "\(seen) entries scanned, expected \(n)",
            figures: [
                "records": Double(seen), "scan_records_per_s": Double(seen) / max(seconds, 1e-9),
                "violations": Double(findings.count),
            ]
        )
        outcome.add(findings.summary("scan violations"))
        return outcome
    }

    /// Reads every record by key (in read transactions of a batch each) and
    /// verifies it at version 1.
    private func verifyEach(_ store: some Store, cf: ColumnFamily, findings: Findings) throws {
        let n = options.records
        var index = 0
        let seed = options.seed
        while index < n {
            let end = min(n, index + options.batchSize)
            try store.read { txn in
                for i in index..<end {
                    let key = StressRecord.recordKey(i)
                    try txn.withValue(forKey: key, in: cf) { value in
                        guard let value else {
                            findings.report("key \(printable(key)): expected version 1, found nothing")
                            return
                        }
                        let verdict = key.withUnsafeBytes { StressRecord.verify(value, key: $0, seed: seed) }
                        switch verdict {
                        case .valid(let version) where version != 1:
                            findings.report("key \(printable(key)): expected version 1, found \(version)")
                        case .valid: break
                        case .invalid(let why):
                            findings.report("key \(printable(key)): expected version 1, found \(why)")
                        }
                    }
                }
            }
            progress.advance(by: end - index)
            index = end
        }
    }
}

/// What one check concluded on one backend.
struct CheckOutcome {
    var passed: Bool
    var detail: String
    var figures: [String: Double] = [:]

    /// Appends `text` to the detail when it is not empty.
    mutating func add(_ text: String) {
        if !text.isEmpty { detail += "; " + text }
    }
}
