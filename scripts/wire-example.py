#!/usr/bin/env python3
"""Talks to a running `strata serve` with nothing but the `msgpack` package.

Usage: wire-example.py HOST PORT [--token T]

A frame is a 4-byte big-endian length followed by one MessagePack map
(DESIGN.md, "Wire protocol"). The script creates a collection, inserts and
queries documents, uses the kv and geo ops, pipelines 100 requests and checks
every answer in order. It prints what it does and exits 1 on the first
mismatch (2 for bad usage or a connection failure).
"""

import socket
import struct
import sys

import msgpack


class Mismatch(Exception):
    pass


class Connection:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.next_id = 1
        self.buffer = b""

    def send(self, op, **arguments):
        """Writes one request frame; returns its id."""
        request_id = self.next_id
        self.next_id += 1
        self.sock.sendall(self.frame(request_id, op, arguments))
        return request_id

    @staticmethod
    def frame(request_id, op, arguments):
        payload = msgpack.packb(dict(id=request_id, op=op, **arguments), use_bin_type=True)
        return struct.pack(">I", len(payload)) + payload

    def receive(self):
        """Reads one response map."""
        while True:
            if len(self.buffer) >= 4:
                (length,) = struct.unpack(">I", self.buffer[:4])
                if len(self.buffer) >= 4 + length:
                    payload = self.buffer[4 : 4 + length]
                    self.buffer = self.buffer[4 + length :]
                    return msgpack.unpackb(payload, raw=False)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk

    def call(self, op, **arguments):
        """One request, one response: the result, or Mismatch for an error."""
        request_id = self.send(op, **arguments)
        response = self.receive()
        check_id(response, request_id, op)
        if not response.get("ok"):
            raise Mismatch(f"{op} failed: {response.get('error')}")
        return response["result"]

    def call_error(self, op, **arguments):
        """One request that must fail: the error's code."""
        request_id = self.send(op, **arguments)
        response = self.receive()
        check_id(response, request_id, op)
        if response.get("ok"):
            raise Mismatch(f"{op} succeeded with {response.get('result')!r}; expected an error")
        return response["error"]["code"]


def check_id(response, request_id, op):
    if response.get("id") != request_id:
        raise Mismatch(f"{op}: response id {response.get('id')!r}, expected {request_id}")


def expect(actual, expected, what):
    if actual != expected:
        raise Mismatch(f"{what}: expected {expected!r}, got {actual!r}")
    print(f"ok  {what}")


def documents(conn):
    try:
        conn.call("drop_collection", collection="py_users")
    except Mismatch:
        pass  # not there yet
    expect(conn.call("create_collection", collection="py_users", indexes=["age"]), True, "create_collection")
    expect("py_users" in conn.call("list_collections"), True, "list_collections")
    when = msgpack.Timestamp(1_700_000_000, 250_000_000)
    first = {"_id": "ada", "name": "Ada", "age": 36, "score": 9.5, "tags": ["math"], "avatar": b"\x00\x01\xff",
             "joined": when, "address": {"city": "London"}}
    expect(conn.call("insert_one", collection="py_users", doc=first), {"id": "ada"}, "insert_one with _id")
    generated = conn.call("insert_one", collection="py_users", doc={"name": "Anon", "age": 5})["id"]
    expect(isinstance(generated, str) and len(generated) == 36, True, "insert_one generates a UUID _id")
    others = [{"_id": "bob", "name": "Bob", "age": 25}, {"_id": "cy", "name": "Cy", "age": 41}]
    expect(conn.call("insert_many", collection="py_users", docs=others), {"ids": ["bob", "cy"]}, "insert_many")

    stored = conn.call("find_by_id", collection="py_users", _id="ada")
    expect(stored, first, "find_by_id returns the document with every type intact")
    expect(conn.call("find_by_id", collection="py_users", _id="nobody"), None, "find_by_id of a missing id is nil")
    found = conn.call("find", collection="py_users", filter={"age": {"$gte": 20}}, sort=["-age"], columns=["name"])
    expect(found, [{"_id": "cy", "name": "Cy"}, {"_id": "ada", "name": "Ada"}, {"_id": "bob", "name": "Bob"}],
           "find with filter, sort and columns")
    expect(conn.call("find_one", collection="py_users", filter={"name": "Bob"})["age"], 25, "find_one")
    expect(conn.call("count", collection="py_users"), 4, "count")
    expect(conn.call("distinct", collection="py_users", field="age", filter={"age": {"$lt": 30}}), [5, 25],
           "distinct")
    expect(conn.call("update_one", collection="py_users", filter={"_id": "bob"}, update={"$inc": {"age": 1}}),
           {"matched": 1, "modified": 1}, "update_one")
    expect(conn.call("find_by_id", collection="py_users", _id="bob")["age"], 26, "update_one took effect")
    plan = conn.call("explain", collection="py_users", filter={"age": {"$gt": 30}})
    stages = []
    while isinstance(plan, dict):
        stages.append(plan.get("stage"))
        plan = plan.get("input")
    expect("IndexScan" in stages, True, "explain uses the age index")
    expect(conn.call_error("insert_one", collection="py_users", doc={"_id": "ada"}), "exists", "duplicate _id")
    expect(conn.call_error("find", collection="py_users", filter={"age": {"$bogus": 1}}), "bad_request",
           "a filter the engine rejects")
    expect(conn.call_error("count", collection="py_nowhere"), "not_found", "a missing collection")
    expect(conn.call("delete_many", collection="py_users", filter={"age": {"$lt": 10}}), {"deleted": 1},
           "delete_many")
    expect(conn.call("ping"), "pong", "the connection is fine after errors")


def kv(conn):
    expect(conn.call("kv_put", cf="py_kv", key=b"k1", value=b"v1"), True, "kv_put")
    conn.call("kv_put", cf="py_kv", key=b"k2", value=b"v2")
    expect(conn.call("kv_get", cf="py_kv", key=b"k1"), b"v1", "kv_get")
    expect(conn.call("kv_scan", cf="py_kv", prefix=b"k"), [[b"k1", b"v1"], [b"k2", b"v2"]], "kv_scan")
    expect(conn.call("kv_delete", cf="py_kv", key=b"k1"), True, "kv_delete")
    expect(conn.call("kv_get", cf="py_kv", key=b"k1"), None, "kv_get after delete")


def geo(conn):
    ns = "py_fleet"
    for name in ("paris", "louvre", "london"):
        conn.call("geo_delete", namespace=ns, object=name)  # a clean start when run twice
    expect(conn.call("geo_upsert", namespace=ns, object="paris", lat=48.8566, lon=2.3522, time=1000,
                     data={"kind": "car"}), True, "geo_upsert")
    conn.call("geo_upsert", namespace=ns, object="louvre", lat=48.8606, lon=2.3376, time=1000)
    conn.call("geo_upsert", namespace=ns, object="london", lat=51.5074, lon=-0.1278, alt=35.0, time=1000)
    conn.call("geo_upsert", namespace=ns, object="paris", lat=48.857, lon=2.353, time=2000, data={"kind": "car"})
    expect(conn.call("geo_get", namespace=ns, object="paris"),
           {"object": "paris", "lat": 48.857, "lon": 2.353, "time": 2000, "data": {"kind": "car"}}, "geo_get")
    near = conn.call("geo_nearby", namespace=ns, lat=48.8566, lon=2.3522, radius_m=5000)
    expect([hit["object"] for hit in near], ["paris", "louvre"], "geo_nearby, nearest first")
    expect(all("distance_m" in hit for hit in near), True, "geo_nearby reports distance_m")
    expect([hit["object"] for hit in conn.call("geo_knn", namespace=ns, lat=51.0, lon=0.0, k=1)], ["london"],
           "geo_knn")
    box = conn.call("geo_bbox", namespace=ns, min_lat=48, min_lon=2, max_lat=49, max_lon=3)
    expect([hit["object"] for hit in box], ["louvre", "paris"], "geo_bbox")
    polygon = [[-1.0, 51.0], [1.0, 51.0], [0.0, 52.0]]
    expect([hit["object"] for hit in conn.call("geo_polygon", namespace=ns, polygon=polygon)], ["london"],
           "geo_polygon")
    trajectory = conn.call("geo_trajectory", namespace=ns, object="paris")
    expect([point["time"] for point in trajectory], [1000, 2000], "geo_trajectory, oldest first")
    expect(conn.call_error("geo_upsert", namespace=ns, object="x", lat=95.0, lon=0.0), "bad_request",
           "a latitude out of range")
    expect(conn.call("geo_delete", namespace=ns, object="louvre"), True, "geo_delete")
    expect(conn.call("geo_get", namespace=ns, object="louvre"), None, "geo_get after delete")


def pipeline(conn):
    """100 requests in one write, then 100 responses, checked in order."""
    if "py_pipe" in conn.call("list_collections"):
        conn.call("drop_collection", collection="py_pipe")
    conn.call("create_collection", collection="py_pipe")
    expected = []
    frames = []
    for i in range(100):
        kind = i % 5
        request_id = conn.next_id
        conn.next_id += 1
        if kind == 0:
            frames.append(conn.frame(request_id, "kv_put", {"cf": "py_pipe", "key": b"p%d" % i, "value": b"%d" % i}))
            expected.append((request_id, True))
        elif kind == 1:
            # The value written by the kv_put just before, in the same pipeline.
            frames.append(conn.frame(request_id, "kv_get", {"cf": "py_pipe", "key": b"p%d" % (i - 1)}))
            expected.append((request_id, b"%d" % (i - 1)))
        elif kind == 2:
            frames.append(conn.frame(request_id, "insert_one", {"collection": "py_pipe", "doc": {"_id": i, "n": i}}))
            expected.append((request_id, {"id": i}))
        elif kind == 3:
            frames.append(conn.frame(request_id, "find_by_id", {"collection": "py_pipe", "_id": i - 1}))
            expected.append((request_id, {"_id": i - 1, "n": i - 1}))
        else:
            frames.append(conn.frame(request_id, "geo_upsert",
                                     {"namespace": "py_pipe", "object": "o%d" % i, "lat": i / 10, "lon": 0.0}))
            expected.append((request_id, True))
    conn.sock.sendall(b"".join(frames))
    for index, (request_id, result) in enumerate(expected):
        response = conn.receive()
        if response.get("id") != request_id or not response.get("ok") or response.get("result") != result:
            raise Mismatch(f"pipelined response {index}: expected id {request_id} with {result!r}, got {response!r}")
    print("ok  100 pipelined requests answered in order")
    expect(conn.call("count", collection="py_pipe"), 20, "every pipelined insert is there")


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--token"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        conn = Connection(argv[1], int(argv[2]))
    except (OSError, ValueError) as error:
        print(f"cannot connect to {argv[1]}:{argv[2]}: {error}", file=sys.stderr)
        return 2
    try:
        if len(argv) == 5:
            conn.call("auth", token=argv[4])
        expect(conn.call("ping"), "pong", "ping")
        documents(conn)
        kv(conn)
        geo(conn)
        pipeline(conn)
    except (Mismatch, ConnectionError, OSError) as error:
        print(f"FAIL {error}", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
