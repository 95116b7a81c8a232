#!/usr/bin/env python3
"""Checks that a collection's stored records are plain BSON, with a BSON
library that is not Strata's (pymongo's `bson`; Debian: python3-bson).

    bson-check.py RECORDS FOUND

RECORDS is the output of `strata kv --cf doc.<collection> --hex scan --prefix
643a` (the records' keys start with "d:"): one hex key, a tab, and the hex
record per line. FOUND is the output of `strata doc find <collection>`: one
relaxed Extended JSON document per line.

Every record must decode, encode back to exactly its stored bytes, and be
one of the documents `find` printed (fields in the same order, at every
depth); every printed document must be one of the records. Prints one line
per record and "all records checked"; exits 1 naming the first problem.
"""
import sys

import bson
from bson import json_util
from bson.codec_options import CodecOptions

# Keep every field's order and each value's BSON type as stored: int64 as
# Int64 (an int32 would re-encode as int64 otherwise), UTC datetimes aware.
OPTIONS = CodecOptions(tz_aware=True)


def shape(value):
    """The value with its field order made part of it (dicts compare unordered)."""
    if isinstance(value, dict):
        return [(key, shape(v)) for key, v in value.items()]
    if isinstance(value, list):
        return [shape(v) for v in value]
    return (type(value).__name__ if isinstance(value, bool) else "", value)


def fail(message):
    print("bson-check: " + message)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: bson-check.py RECORDS FOUND")
    with open(sys.argv[1]) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    with open(sys.argv[2]) as f:
        found = [json_util.loads(line, json_options=json_util.RELAXED_JSON_OPTIONS) for line in f if line.strip()]
    if not lines:
        fail("no records in " + sys.argv[1])
    expected = [shape(d) for d in found]
    unmatched = list(expected)
    for number, line in enumerate(lines, 1):
        key, tab, value = line.partition("\t")
        if not tab:
            fail("line %d of the records has no tab" % number)
        raw = bytes.fromhex(value)
        try:
            document = bson.decode(raw, codec_options=OPTIONS)
        except Exception as error:  # the library's own error types vary
            fail("record %s does not decode: %s" % (key, error))
        again = bson.encode(document, codec_options=OPTIONS)
        if again != raw:
            fail("record %s re-encodes to other bytes:\n  stored %s\n  again  %s" % (key, raw.hex(), again.hex()))
        s = shape(document)
        if s not in unmatched:
            fail("record %s is not a document find printed: %r" % (key, document))
        unmatched.remove(s)
        print("record %s: %d bytes, %d fields, _id %r" % (key, len(raw), len(document), document.get("_id")))
    if unmatched:
        fail("%d printed documents have no stored record" % len(unmatched))
    print("all records checked")


main()
