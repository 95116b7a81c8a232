import Testing

@testable import StrataWire

@Suite("Requests and responses")
struct RequestResponseTests {
    /// The `ResponseError` thrown by `body`, or nil.
    func responseError(_ body: () throws -> Void) -> ResponseError? {
        do {
            try body()
            return nil
        } catch let error as ResponseError {
            return error
        } catch {
            return nil
        }
    }

    @Test func parsesIdOpAndArguments() throws {
        let request = try Request(from: ["id": 7, "op": "find", "collection": "users", "take": 10])
        #expect(request.id == 7)
        #expect(request.op == "find")
        #expect(request.arguments.map(\.name) == ["collection", "take"])
        #expect(try request.string("collection") == "users")
        #expect(try request.optionalInt("take") == 10)
        #expect(try request.optionalInt("skip") == nil)
        #expect(try Request(from: request.value) == request)
        var buffer: [UInt8] = []
        request.encode(into: &buffer)
        #expect(try Request(from: try decode(buffer)) == request)
    }

    @Test(
        "envelope errors are bad_request and say what is wrong",
        arguments: [
            (.array([1]), "must be a map"),
            (["op": "ping"], "no \"id\""),
            (["id": 1], "no \"op\""),
            (["id": -1, "op": "ping"], "non-negative integer"),
            (["id": "1", "op": "ping"], "non-negative integer"),
            (["id": 1, "op": 5], "\"op\" must be a string"),
            ([1: 1, "id": 1, "op": "ping"], "keys must be strings"),
            (["id": 1, "op": "ping", "op": "stats"], "more than once"),
        ] as [(MessagePackValue, String)])
    func envelopeErrors(_ value: MessagePackValue, _ expected: String) {
        let error = responseError { _ = try Request(from: value) }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test func idIsRecoverableForErrorResponses() {
        #expect(Request.id(in: ["id": 3, "op": 5]) == 3)
        #expect(Request.id(in: ["op": "x"]) == nil)
        #expect(Request.id(in: 5) == nil)
    }

    @Test func typedAccessors() throws {
        let request = Request(
            id: 1, op: "geo_upsert",
            arguments: [
                ("lat", 51), ("lon", -0.12), ("alt", .float32(3)), ("key", .binary([1, 2])), ("upsert", true),
                ("indexes", ["a", "b"]), ("filter", ["x": 1]), ("data", .nil), ("big", .uint(UInt64.max)),
            ])
        #expect(try request.double("lat") == 51)
        #expect(try request.double("lon") == -0.12)
        #expect(try request.optionalDouble("alt") == 3)
        #expect(try request.binary("key") == [1, 2])
        #expect(try request.bool("upsert"))
        #expect(try request.strings("indexes") == ["a", "b"])
        #expect(try request.map("filter")["x"] == 1)
        #expect(try request.optionalMap("data") == nil)
        #expect(try request.uint("big") == UInt64.max)
        #expect(request.has("lat") && !request.has("data") && !request.has("nope"))
    }

    @Test func typedAccessorErrorsNameArgumentAndType() {
        let request = Request(
            id: 1, op: "kv_get", arguments: [("key", "text"), ("limit", -1), ("big", .uint(UInt64.max))])
        let cases: [(() throws -> Void, String)] = [
            ({ _ = try request.binary("key") }, "argument \"key\" must be binary, got string"),
            ({ _ = try request.string("cf") }, "missing argument \"cf\" (a string) for \"kv_get\""),
            ({ _ = try request.optionalString("limit") }, "argument \"limit\" must be a string, got int"),
            ({ _ = try request.uint("limit") }, "must be a non-negative integer, got negative int -1"),
            ({ _ = try request.int("big") }, "above Int64.max"),
            ({ _ = try request.double("key") }, "must be a number"),
            ({ _ = try request.strings("key") }, "must be an array"),
        ]
        for (body, expected) in cases {
            let error = responseError(body)
            #expect(error?.code == .badRequest)
            #expect(error?.message.contains(expected) == true, "\(String(describing: error)) vs \(expected)")
        }
        let mixed = Request(id: 1, op: "x", arguments: [("sort", ["a", 1])])
        #expect(responseError { _ = try mixed.strings("sort") }?.message.contains("element 1 is int") == true)
    }

    @Test func okResponseShape() throws {
        let response = Response.ok(id: 42, result: "pong")
        var buffer: [UInt8] = []
        response.encode(into: &buffer)
        let value = try decode(buffer)
        #expect(value == ["id": 42, "ok": true, "result": "pong"])
        #expect(value == response.value)
        #expect(try Response(from: value) == response)
    }

    @Test func errorResponseShape() throws {
        let response = Response.error(id: 5, code: .notFound, message: "no collection \"x\"")
        var buffer: [UInt8] = []
        response.encode(into: &buffer)
        let value = try decode(buffer)
        #expect(value == ["id": 5, "ok": false, "error": ["code": "not_found", "message": "no collection \"x\""]])
        #expect(value == response.value)
        #expect(try Response(from: value) == response)
        // Unknown id is sent as nil.
        var unknown: [UInt8] = []
        Response.error(id: nil, ResponseError(WireError(.malformed, "bad"))).encode(into: &unknown)
        #expect(try decode(unknown)["id"] == .nil)
        #expect(try decode(unknown)["error"]?["code"] == "bad_request")
    }

    @Test func errorCodesAreTheProtocolsNames() {
        #expect(
            ResponseError.Code.all.map(\.rawValue) == [
                "bad_request", "not_found", "conflict", "too_large", "unsupported", "exists", "unauthorized",
                "internal",
            ])
        #expect(ResponseError(WireError(.tooLarge, "big")).code == .tooLarge)
        let error: any Error = ResponseError(.conflict, "retry")
        switch error {
        case ResponseError.Code.conflict: break
        default: Issue.record("~= did not match")
        }
    }

    @Test func responseParsingRejectsGarbage() {
        for value: MessagePackValue in [1, ["id": 1], ["id": 1, "ok": false], ["id": "x", "ok": true]] {
            #expect(responseError { _ = try Response(from: value) }?.code == .badRequest)
        }
    }
}

@Suite("From frames to requests")
struct FrameRequestTests {
    @Test func framesBecomeRequestsOrErrorResponses() throws {
        var decoder = FrameDecoder()
        decoder.append(try Frame.encode(["id": 1, "op": "ping"]))
        decoder.append(try Frame.encode(["id": 2, "op": 3]))
        decoder.append([0, 0, 0, 1, 0xC1])
        var outcomes: [Result<Request, RejectedRequest>] = []
        while let frame = try decoder.next() { outcomes.append(frame.request()) }
        #expect(outcomes.count == 3)
        #expect((try? outcomes[0].get()) == Request(id: 1, op: "ping"))
        guard case .failure(let second) = outcomes[1], case .failure(let third) = outcomes[2] else {
            Issue.record("expected rejections")
            return
        }
        #expect(second.id == 2 && second.error.code == .badRequest)
        #expect(second.response.value["id"] == 2)
        #expect(third.id == nil && third.error.code == .badRequest)
        #expect(third.error.message.contains("0xc1"))
    }
}
