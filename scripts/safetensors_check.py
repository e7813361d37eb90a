#!/usr/bin/python3
"""Parse a safetensors file from the format spec alone and print what it holds as JSON.

Usage: /usr/bin/python3 scripts/safetensors_check.py FILE

Independent of the Java code: reads the 8-byte little-endian header length, the JSON header and
the byte buffer, checks the layout rules (offsets in range, contiguous, no overlap, covering the
buffer, byte length = dtype size x element count), and prints
  {"metadata": {...}, "tensors": [{"name", "dtype", "shape", "data_offsets", "sum"}...],
   "header_length": N, "safetensors_package": "absent" | "agrees" | "<error>"}
with tensors in buffer order and sums in float64. Needs numpy. When the `safetensors` package
is importable, the file is also loaded with it and compared tensor by tensor.
Exits 1 with a one-line message on stderr when the file breaks a rule.
"""
import json
import struct
import sys

import numpy as np

SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
         "U8": "u1", "BOOL": "?"}


def fail(msg):
    print("safetensors_check: " + msg, file=sys.stderr)
    sys.exit(1)


def as_float64(dtype, raw):
    """Return the elements of raw bytes as float64, widening bf16 by hand (numpy has no bf16)."""
    if dtype == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32).astype(np.float64)
    return np.frombuffer(raw, dtype=NUMPY[dtype]).astype(np.float64)


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n > 100_000_000 or 8 + n > len(data):
        fail("bad header length %d" % n)
    header = json.loads(data[8:8 + n].decode("utf-8"))
    if not isinstance(header, dict):
        fail("header is not an object")
    metadata = header.pop("__metadata__", None) or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        fail("metadata is not string to string")
    buffer = data[8 + n:]
    entries = []
    for name, info in header.items():
        if set(info) != {"dtype", "shape", "data_offsets"}:
            fail("tensor %s has fields %s" % (name, sorted(info)))
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in SIZES:
            fail("tensor %s has unknown dtype %s" % (name, dtype))
        if any((not isinstance(d, int)) or d < 0 for d in shape):
            fail("tensor %s has bad shape %s" % (name, shape))
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * SIZES[dtype] or begin > end:
            fail("tensor %s: offsets %d..%d do not fit %s %s" % (name, begin, end, dtype, shape))
        entries.append((begin, end, name, dtype, shape))
    entries.sort()
    expected = 0
    for begin, end, name, _, _ in entries:
        if begin != expected:
            fail("tensor %s starts at %d, expected %d" % (name, begin, expected))
        expected = end
    if expected != len(buffer):
        fail("tensors cover %d bytes of a %d-byte buffer" % (expected, len(buffer)))
    tensors = []
    for begin, end, name, dtype, shape in entries:
        values = as_float64(dtype, buffer[begin:end])
        tensors.append({"name": name, "dtype": dtype, "shape": shape, "data_offsets": [begin, end],
                        "sum": float(values.sum()), "first": float(values[0]) if values.size else None})
    return {"header_length": n, "metadata": metadata, "tensors": tensors}


def cross_check(path, result):
    try:
        from safetensors import safe_open  # noqa: the package is optional
    except ImportError:
        return "absent"
    try:
        with safe_open(path, framework="numpy") as f:
            names = sorted(f.keys())
            if names != sorted(t["name"] for t in result["tensors"]):
                return "names differ: %s" % names
            for t in result["tensors"]:
                if t["dtype"] == "BF16":
                    continue  # numpy cannot hold bf16; covered by the manual parse
                v = f.get_tensor(t["name"]).astype(np.float64)
                if list(v.shape) != t["shape"] or float(v.sum()) != t["sum"]:
                    return "tensor %s differs" % t["name"]
            if (f.metadata() or {}) != result["metadata"]:
                return "metadata differs"
        return "agrees"
    except Exception as e:  # report, do not hide, a disagreement
        return "error: %s" % e


def main():
    if len(sys.argv) != 2:
        fail("usage: safetensors_check.py FILE")
    result = parse(sys.argv[1])
    result["safetensors_package"] = cross_check(sys.argv[1], result)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
