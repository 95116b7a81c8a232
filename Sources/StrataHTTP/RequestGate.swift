import Synchronization

/// Counts the requests in flight and, once closed, turns new ones away so
/// that a stop can wait for the ones already running.
final class RequestGate: Sendable {
    private struct State {
        var open = true
        var inFlight = 0
    }
    private let state = Mutex(State())

    /// Admits a request; false once the gate is closed.
    func enter() -> Bool {
        state.withLock { s in
            guard s.open else { return false }
            s.inFlight += 1
            return true
        }
    }

    /// Marks an admitted request finished.
    func leave() { state.withLock { $0.inFlight -= 1 } }

    /// Turns every later request away.
    func close() { state.withLock { $0.open = false } }

    /// Waits until no request is in flight or `timeout` has passed; returns whether it drained.
    func drain(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.inFlight }) > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
