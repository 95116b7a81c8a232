import NIOCore
import Synchronization

/// The open connections, the connection limit, and whether new ones are still
/// admitted (not once the server is stopping).
final class ConnectionTracker: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var accepting = true
    }

    let maxConnections: Int
    private let state = Mutex(State())

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// Admits `channel` unless the limit is reached or the server is stopping.
    func admit(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard state.accepting, state.channels.count < maxConnections else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    /// Forgets a closed channel.
    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Refuses every later connection and returns the open ones.
    func stopAccepting() -> [any Channel] {
        state.withLock { state in
            state.accepting = false
            return Array(state.channels.values)
        }
    }
}

/// Sent down every connection's pipeline when the server stops: finish the
/// requests already received, send their responses, then close.
struct DrainEvent: Sendable {}
