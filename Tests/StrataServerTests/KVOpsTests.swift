import StrataClient
import StrataServer
import StrataWire
import Testing

@Suite("Ops over loopback, on every backend")
struct KVOpsTests {
    @Test("ping answers pong", arguments: allBackends)
    func ping(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            #expect(try client.call(op: "ping") == .string("pong"))
            #expect(try client.ping())
        }
    }

    @Test("kv_put, kv_get, kv_delete round trip", arguments: allBackends)
    func putGetDelete(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            #expect(try client.call(op: "kv_put", arguments: [("cf", "users"), ("key", .binary([1, 2])), ("value", .binary([9]))]) == .bool(true))
            #expect(try client.kvGet(cf: "users", key: [1, 2]) == [9])
            #expect(try client.kvGet(cf: "users", key: [1, 3]) == nil)
            try client.kvPut(cf: "users", key: [1, 2], value: [0, 0xFF, 7])
            #expect(try client.kvGet(cf: "users", key: [1, 2]) == [0, 0xFF, 7])
            #expect(try client.call(op: "kv_delete", arguments: [("cf", "users"), ("key", .binary([1, 2]))]) == .bool(true))
            #expect(try client.kvGet(cf: "users", key: [1, 2]) == nil)
            try client.kvPut(key: bytes("k"), value: bytes("in default"))
            #expect(try client.kvGet(key: bytes("k")) == bytes("in default"))
        }
    }

    @Test("kv_scan by prefix, by range, with a limit", arguments: allBackends)
    func scan(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            for key in ["a1", "a2", "a3", "b1", "b2", "c"] {
                try client.kvPut(cf: "s", key: bytes(key), value: bytes("v" + key))
            }
            let prefixed = try client.kvScan(cf: "s", prefix: bytes("a"))
            #expect(prefixed.map(\.key) == [bytes("a1"), bytes("a2"), bytes("a3")])
            #expect(prefixed.map(\.value) == [bytes("va1"), bytes("va2"), bytes("va3")])
            #expect(try client.kvScan(cf: "s", start: bytes("a3"), end: bytes("b2")).map(\.key) == [bytes("a3"), bytes("b1")])
            #expect(try client.kvScan(cf: "s", start: bytes("b")).map(\.key) == [bytes("b1"), bytes("b2"), bytes("c")])
            #expect(try client.kvScan(cf: "s", limit: 2).map(\.key) == [bytes("a1"), bytes("a2")])
            #expect(try client.kvScan(cf: "s", limit: 0).isEmpty)
            #expect(try client.kvScan(cf: "s").count == 6)
            #expect(try client.kvScan(cf: "s", start: bytes("z"), end: bytes("a")).isEmpty)
            // The wire shape: an array of [key, value] pairs.
            let raw = try client.call(op: "kv_scan", arguments: [("cf", "s"), ("prefix", .binary(bytes("c")))])
            #expect(raw == .array([.array([.binary(bytes("c")), .binary(bytes("vc"))])]))
        }
    }

    @Test("stats reports server and store figures", arguments: allBackends)
    func stats(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try client.kvPut(cf: "metrics", key: [1], value: [1])
            let stats = try client.stats()
            #expect(stats["backend"] == .string(backend))
            #expect(stats["connections"] == .int(1))
            #expect((stats["requests"]?.intValue ?? 0) >= 1)
            #expect(stats["uptime_s"]?.doubleValue != nil)
            let families = stats["column_families"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(families.contains("metrics"))
        }
    }

    @Test("store errors and bad arguments map to wire codes", arguments: allBackends)
    func errors(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            expectError(.notFound) { try client.kvGet(cf: "missing", key: [1]) }
            expectError(.badRequest) {
                try client.call(op: "kv_get", arguments: [("cf", "default"), ("key", "a string, not bin")])
            }
            expectError(.badRequest) { try client.call(op: "kv_put", arguments: [("cf", "default")]) }
            expectError(.badRequest) {
                try client.call(op: "kv_scan", arguments: [("cf", "default"), ("limit", -1)])
            }
            expectError(.unsupported) { try client.call(op: "no_such_op") }
            // The connection is still fine after every error.
            #expect(try client.ping())
        }
    }

    @Test("every document and geo op is served: a bad request is bad_request, never unsupported")
    func documentAndGeoOpsAreServed() throws {
        #expect(Set(OpRegistry.standard.ops).isSuperset(of: OpRegistry.documentOps + OpRegistry.geoOps))
        try withServer { server in
            let client = try server.connect()
            for op in OpRegistry.documentOps + OpRegistry.geoOps where op != "list_collections" {
                // No arguments at all: each op must name what is missing.
                do {
                    try client.call(op: op)
                    Issue.record("\(op) succeeded without arguments")
                } catch let error as ClientError {
                    #expect(error.code == .badRequest, "\(op): \(error)")
                    #expect(error.message.contains("missing argument"), "\(op): \(error)")
                } catch {
                    Issue.record("\(op): \(error)")
                }
            }
            #expect(try client.call(op: "list_collections") == .array([]))
        }
    }
}
