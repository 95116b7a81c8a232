#if LMDB
    import StrataStore
    import Synchronization

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// A readers–writer gate around the environment's transactions.
    ///
    /// Every transaction of this process (read or write) holds the gate shared
    /// for its whole life. Two things need it exclusive:
    ///
    /// - growing the map: `mdb_env_set_mapsize` "may be called later if no
    ///   transactions are active in this process" (lmdb.h), because it remaps and
    ///   open read transactions point into the old mapping;
    /// - closing the environment, which must wait for transactions in flight.
    ///
    /// Entering is a short `Mutex` section per transaction, never per operation.
    /// Both exclusive uses are rare, so waiting is a short sleep loop rather than
    /// a condition variable.
    ///
    /// The gate also keeps the read transactions that ended with
    /// `mdb_txn_reset`, so that a read renews one (`mdb_txn_renew`) in the
    /// same lock section that lets it in, instead of beginning a new one:
    /// `mdb_txn_begin` allocates a transaction with room for every named
    /// database (about 50 KiB for 1,024), which a renewed read does not.
    final class TransactionGate: Sendable {
        /// A reset read transaction. `@unchecked Sendable`: with `MDB_NOTLS` it
        /// is bound to no thread, and it is used by one read at a time.
        struct IdleReader: @unchecked Sendable { let handle: OpaquePointer }

        private struct State {
            var active = 0
            var exclusive = false
            var closed = false
            var idle: [IdleReader] = []
        }

        private let state = Mutex(State())
        /// At most this many reset read transactions are kept.
        let maxIdleReaders: Int

        init(maxIdleReaders: Int) {
            self.maxIdleReaders = maxIdleReaders
            state.withLock { $0.idle.reserveCapacity(maxIdleReaders) }
        }

        /// Reset read transactions waiting to be renewed.
        var idleReaderCount: Int { state.withLock { $0.idle.count } }

        /// Whether ``close(_:)`` has run.
        var isClosed: Bool { state.withLock { $0.closed } }

        /// Enters for one transaction. Throws `closed` after close.
        func enter() throws {
            while true {
                let entered = try state.withLock { s throws(StoreError) -> Bool in
                    if s.closed { throw StoreError(.closed, "lmdb: the store is closed") }
                    if s.exclusive { return false }
                    s.active += 1
                    return true
                }
                if entered { return }
                usleep(50)
            }
        }

        /// Enters for one read transaction, and hands out a reset one to renew
        /// when there is one. Throws `closed` after close.
        func enterReading() throws -> IdleReader? {
            while true {
                let entered = try state.withLock { s throws(StoreError) -> (Bool, IdleReader?) in
                    if s.closed { throw StoreError(.closed, "lmdb: the store is closed") }
                    if s.exclusive { return (false, nil) }
                    s.active += 1
                    return (true, s.idle.popLast())
                }
                if entered.0 { return entered.1 }
                usleep(50)
            }
        }

        /// Leaves after a transaction ended.
        func leave() {
            state.withLock { $0.active -= 1 }
        }

        /// Leaves after a read transaction ended with `mdb_txn_reset`, keeping
        /// it for a later read when there is room. Returns it when there is
        /// not: the caller aborts it.
        func leaveReading(keeping reset: IdleReader) -> IdleReader? {
            state.withLock { s in
                s.active -= 1
                guard s.idle.count < maxIdleReaders else { return reset }
                s.idle.append(reset)
                return nil
            }
        }

        /// Removes and returns the kept reset read transactions, for the caller
        /// to abort. Called with no transaction active (in an exclusive section).
        func takeIdleReaders() -> [IdleReader] {
            state.withLock { s in
                defer { s.idle.removeAll() }
                return s.idle
            }
        }

        /// Runs `body` while no transaction of this process is active, waiting up to
        /// `timeout` seconds for the ones in flight. Throws `closed` after close and
        /// `onTimeout` when transactions stay open (for example one held by the
        /// calling thread itself).
        func exclusively<R>(
            timeout: Double,
            onTimeout: StoreError,
            _ body: () throws -> R
        ) throws -> R {
            // Take the exclusive flag, so that no new transaction starts.
            while true {
                let taken = try state.withLock { s throws(StoreError) -> Bool in
                    if s.closed { throw StoreError(.closed, "lmdb: the store is closed") }
                    if s.exclusive { return false }
                    s.exclusive = true
                    return true
                }
                if taken { break }
                usleep(100)
            }
            defer { state.withLock { $0.exclusive = false } }
            // Wait for the transactions in flight.
            var waited = 0.0
            while state.withLock({ $0.active }) > 0 {
                if waited >= timeout { throw onTimeout }
                usleep(200)
                waited += 0.0002
            }
            return try body()
        }

        /// Marks the gate closed once no transaction is active, then runs `body`
        /// (which closes the environment). Returns false when it was already closed.
        func close(timeout: Double, _ body: () -> Void) throws -> Bool {
            do {
                try exclusively(
                    timeout: timeout,
                    onTimeout: StoreError(.invalidArgument, "lmdb close: transactions are still open")
                ) {
                    state.withLock { $0.closed = true }
                    body()
                }
                return true
            } catch StoreError.Code.closed {
                return false
            }
        }
    }
#endif
