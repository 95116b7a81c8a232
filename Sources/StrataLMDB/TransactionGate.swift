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
    final class TransactionGate: Sendable {
        private struct State {
            var active = 0
            var exclusive = false
            var closed = false
        }

        private let state = Mutex(State())

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

        /// Leaves after a transaction ended.
        func leave() {
            state.withLock { $0.active -= 1 }
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
