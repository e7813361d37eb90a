#!/usr/bin/python3
"""numpy baseline for DeltaMathBench: weighted sum of K deltas of N float32, and a STREAM triad.

Usage: /usr/bin/python3 scripts/bench/numpy_weighted_sum.py N [K]

Data and weights are the same formulas as DeltaMathBench uses, so the results can be compared
bit for bit: d_k[i] = float32((i*7 + k*13) % 1000 - 500) * float32(1e-3), w_k = float32(k+1)/36.
The weighted sum runs as out = w0*d0; out += w_k*d_k (k = 1..K-1) with a reused temporary, the
same float32 rounding order as the Java code. Bytes are counted as (K+1)*4*N (K reads, one
write) for the weighted sum, and 3*4*N for the triad a = b + s*c (STREAM convention).
Prints one JSON object: n, k, seconds and GB/s (best of 3 after a warm-up), and the SHA-256 of
the weighted sum's little-endian bytes.
"""
import hashlib
import json
import sys
import time

import numpy as np


def delta(n, k):
    i = np.arange(n, dtype=np.int64)
    return ((i * 7 + k * 13) % 1000 - 500).astype(np.float32) * np.float32(1e-3)


def best_of(fn, repeats=3):
    fn()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 124_000_000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    deltas = [delta(n, j) for j in range(k)]
    weights = [np.float32(j + 1) / np.float32(36) for j in range(k)]
    out = np.empty(n, dtype=np.float32)
    tmp = np.empty(n, dtype=np.float32)

    def weighted_sum():
        np.multiply(deltas[0], weights[0], out=out)
        for j in range(1, k):
            np.multiply(deltas[j], weights[j], out=tmp)
            np.add(out, tmp, out=out)

    def triad():
        np.multiply(deltas[1], np.float32(3.0), out=tmp)
        np.add(deltas[0], tmp, out=out)

    t_triad = best_of(triad)
    t_sum = best_of(weighted_sum)
    digest = hashlib.sha256(out.astype("<f4").view(np.uint8)).hexdigest()
    print(json.dumps({
        "n": n, "k": k,
        "weighted_sum_seconds": t_sum, "weighted_sum_gbps": (k + 1) * 4 * n / t_sum / 1e9,
        "triad_seconds": t_triad, "triad_gbps": 3 * 4 * n / t_triad / 1e9,
        "weighted_sum_sha256": digest,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
