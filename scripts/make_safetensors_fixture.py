#!/usr/bin/python3
"""Write the Python-side interop fixture the way the Hugging Face library lays files out.

Usage: /usr/bin/python3 scripts/make_safetensors_fixture.py OUT.safetensors

Written from the format spec with numpy only (no safetensors package here), imitating the Rust
library's serialize(): tensors ordered by dtype (the Rust Dtype enum order, descending) then by
name; the header is compact JSON with "__metadata__" first, then tensors in that order, each as
{"dtype", "shape", "data_offsets"}; the header is padded with spaces to a multiple of 8 bytes.
The committed copy is common/src/test/resources/safetensors/python-written.safetensors.
"""
import json
import struct
import sys

import numpy as np

# Rust `Dtype` derives Ord in declaration order: BOOL < U8 < I8 < ... < F64 < I64 < U64.
RUST_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32",
              "F32", "F64", "I64", "U64"]


def bf16_bytes(values):
    """Round float32 values to bfloat16 (nearest, ties to even) and return their little-endian bytes."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2").tobytes()


def tensors():
    return {
        "model.embed.weight": ("F32", [2, 3], np.array([0.5, -1, 2, 3.25, -4, 0.125], "<f4").tobytes()),
        "model.norm.bias": ("F16", [3], np.array([1, -0.5, 65504], "<f2").tobytes()),
        "model.norm.weight": ("BF16", [2], bf16_bytes([1.5, -3.0])),
        "model.step": ("I64", [], np.array([7], "<i8").tobytes()),
        "model.ids": ("I32", [4], np.array([1, -2, 3, -4], "<i4").tobytes()),
        "model.short": ("I16", [2], np.array([-300, 300], "<i2").tobytes()),
        "model.quant": ("I8", [3], np.array([-128, 0, 127], "i1").tobytes()),
        "model.bytes": ("U8", [2], np.array([0, 255], "u1").tobytes()),
        "model.flags": ("BOOL", [2], np.array([True, False], "?").tobytes()),
        "model.f64": ("F64", [2], np.array([0.1, -2.5], "<f8").tobytes()),
        "model.empty": ("F32", [0, 3], b""),
    }


def serialize(named, metadata):
    order = sorted(named, key=lambda n: (-RUST_ORDER.index(named[n][0]), n))
    header = {"__metadata__": metadata}
    offset = 0
    for name in order:
        dtype, shape, raw = named[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(named[n][2] for n in order)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_safetensors_fixture.py OUT.safetensors")
    with open(sys.argv[1], "wb") as f:
        f.write(serialize(tensors(), {"format": "pt", "source": "python fixture"}))


if __name__ == "__main__":
    main()
