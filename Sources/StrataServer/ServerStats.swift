import NIOCore
import Synchronization

/// Counters the server keeps for `stats`, updated from any thread.
public final class ServerStats: Sendable {
    /// When the server started.
    public let started = NIODeadline.now()
    private let openConnections = Atomic<Int>(0)
    private let acceptedConnections = Atomic<Int>(0)
    private let refusedConnections = Atomic<Int>(0)
    private let requestCount = Atomic<Int>(0)
    private let errorCount = Atomic<Int>(0)

    /// Creates zeroed counters.
    public init() {}

    /// Connections open now.
    public var connections: Int { openConnections.load(ordering: .relaxed) }
    /// Connections accepted since the start.
    public var accepted: Int { acceptedConnections.load(ordering: .relaxed) }
    /// Connections refused because of the connection limit.
    public var refused: Int { refusedConnections.load(ordering: .relaxed) }
    /// Requests answered since the start.
    public var requests: Int { requestCount.load(ordering: .relaxed) }
    /// Requests answered with an error since the start.
    public var errors: Int { errorCount.load(ordering: .relaxed) }
    /// Seconds since the start.
    public var uptimeSeconds: Double {
        Double((NIODeadline.now() - started).nanoseconds) / 1e9
    }

    func connectionOpened() {
        openConnections.add(1, ordering: .relaxed)
        acceptedConnections.add(1, ordering: .relaxed)
    }
    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }
    func connectionRefused() { refusedConnections.add(1, ordering: .relaxed) }
    func answered(requests: Int, errors: Int) {
        requestCount.add(requests, ordering: .relaxed)
        if errors > 0 { errorCount.add(errors, ordering: .relaxed) }
    }
}
