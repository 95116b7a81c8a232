import NIOPosix

/// Runs blocking store work on the server's own thread pool, off
/// Hummingbird's event loops.
struct Worker: Sendable {
    let pool: NIOThreadPool

    /// Runs `body` on a pool thread and returns its result.
    ///
    /// - Throws: what `body` throws; `APIError.unavailable` once the pool has stopped.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await pool.runIfActive(body)
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw APIError(.unavailable, "the server is stopping")
        }
    }
}
