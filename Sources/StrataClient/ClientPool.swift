import Dispatch
import Synchronization

/// A fixed number of connections to one server, shared by threads.
///
/// ```swift
/// let pool = ClientPool(host: "127.0.0.1", port: 7070, size: 8)
/// let value = try pool.withClient { try $0.kvGet(key: k) }
/// ```
///
/// Connections are made on first use. A connection that failed (its client
/// reports `isConnected == false`) is dropped when returned and replaced by a
/// new one on a later checkout.
public final class ClientPool: Sendable {
    public let host: String
    public let port: Int
    /// The most connections open at once.
    public let size: Int
    private let timeout: Duration
    private let token: String?
    /// Counts free slots; a checkout waits on it.
    private let slots: DispatchSemaphore
    /// Idle connected clients, guarded by the mutex.
    private let idle = Mutex<[Client]>([])

    /// Creates a pool; no connection is made until the first checkout.
    public init(host: String = "127.0.0.1", port: Int, size: Int, timeout: Duration = .seconds(30), token: String? = nil) {
        precondition(size > 0, "a pool needs at least one connection")
        self.host = host
        self.port = port
        self.size = size
        self.timeout = timeout
        self.token = token
        self.slots = DispatchSemaphore(value: size)
    }

    /// Takes a connection, waiting for one to be free; connects when none is
    /// idle. Return it with ``checkIn(_:)``. Throws when connecting fails.
    public func checkOut() throws(ClientError) -> Client {
        slots.wait()
        if let client = idle.withLock({ $0.popLast() }) { return client }
        do {
            return try Client.connect(host: host, port: port, timeout: timeout, token: token)
        } catch {
            slots.signal()
            throw error
        }
    }

    /// Returns a connection taken with ``checkOut()``; a broken one is closed
    /// and forgotten, and one with unread responses is closed too.
    public func checkIn(_ client: Client) {
        if client.isConnected && client.outstanding == 0 {
            idle.withLock { $0.append(client) }
        } else {
            client.close()
        }
        slots.signal()
    }

    /// Runs `body` with a connection and returns it afterwards. A connection
    /// failure inside `body` reconnects once and runs `body` again when
    /// `retryOnConnectionFailure` is set (only for idempotent work).
    public func withClient<R>(
        retryOnConnectionFailure: Bool = false, _ body: (Client) throws(ClientError) -> R
    ) throws(ClientError) -> R {
        var attempt = 0
        while true {
            attempt += 1
            let client = try checkOut()
            do {
                let result = try body(client)
                checkIn(client)
                return result
            } catch {
                checkIn(client)
                if !(retryOnConnectionFailure && error.isConnectionFailure && attempt < 2) { throw error }
            }
        }
    }

    /// Closes every idle connection.
    public func close() {
        let clients = idle.withLock { clients in
            defer { clients.removeAll() }
            return clients
        }
        for client in clients { client.close() }
    }
}
