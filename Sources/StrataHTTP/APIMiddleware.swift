import Hummingbird

/// Wraps every route: admits the request through the stop gate, turns any
/// thrown error into its JSON error response, and records the request in
/// the metrics (route, method, status, latency, error code).
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HTTPMetrics
    let gate: RequestGate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        metrics.requestStarted()
        var response: Response
        var failure: APIError?
        if gate.enter() {
            do {
                response = try await next(request, context)
            } catch {
                let e = APIError(mapping: error)
                if e.code.status.code >= 500 {
                    context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(e)"])
                }
                failure = e
                response = JSONResponse.error(e)
            }
            gate.leave()
        } else {
            let e = APIError(.unavailable, "the server is stopping")
            failure = e
            response = JSONResponse.error(e)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let status = response.status.code
        metrics.record(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
            errorCode: failure?.code.rawValue ?? (status >= 400 ? "http_\(status)" : nil), seconds: seconds)
        return response
    }
}
