#!/usr/bin/env python3
"""Reference implementation of Tensorswarm's deterministic page sampler (PageSampler.java).

Anyone can recompute a miner's assigned pages or a round's evaluation pages with this file and
the dataset fingerprint. Standard library only.

Usage:
  page_sampler_reference.py assigned ROUND HOTKEY FINGERPRINT PAGE_COUNT N
  page_sampler_reference.py eval SEED_HEX FINGERPRINT PAGE_COUNT N [EXCLUDED,INDICES]
"""
import hashlib
import struct
import sys

ASSIGNED_TAG = b"tensorswarm/assigned-pages/v1"
EVAL_TAG = b"tensorswarm/eval-pages/v1"


def tagged(tag, payload):
    return hashlib.sha256(tag + b"\x00" + payload).digest()


def assigned_seed(round_, hotkey, fingerprint):
    key = hotkey.encode("utf-8")
    return tagged(ASSIGNED_TAG, struct.pack(">qi", round_, len(key)) + key + fingerprint.encode("utf-8"))


def eval_seed(seed, fingerprint):
    return tagged(EVAL_TAG, struct.pack(">i", len(seed)) + seed + fingerprint.encode("utf-8"))


def words(seed):
    block = 0
    while True:
        digest = hashlib.sha256(seed + struct.pack(">q", block)).digest()
        block += 1
        for i in range(4):
            yield int.from_bytes(digest[8 * i:8 * i + 8], "big")


def sample(seed, count, n, excluded=frozenset()):
    """Returns n indices below count; indices in `excluded` are skipped (PageSampler.sample)."""
    stream = words(seed)

    def uniform(bound):
        limit = 2 ** 64 - (2 ** 64 % bound)
        while True:
            x = next(stream)
            if x < limit:
                return x % bound

    swapped = {}
    out = []
    i = 0
    kept_this_pass = False
    while len(out) < n:
        p = i % count
        if p == 0:
            if i > 0 and not kept_this_pass:
                raise ValueError("all %d pages are excluded" % count)
            swapped.clear()
            kept_this_pass = False
        j = p + uniform(count - p)
        at_p, at_j = swapped.get(p, p), swapped.get(j, j)
        swapped[j], swapped[p] = at_p, at_j
        if at_j not in excluded:
            out.append(at_j)
            kept_this_pass = True
        i += 1
    return out


def main(argv):
    if len(argv) == 7 and argv[1] == "assigned":
        seed = assigned_seed(int(argv[2]), argv[3], argv[4])
        print(" ".join(map(str, sample(seed, int(argv[5]), int(argv[6])))))
    elif len(argv) in (6, 7) and argv[1] == "eval":
        seed = eval_seed(bytes.fromhex(argv[2]), argv[3])
        excluded = frozenset(int(x) for x in argv[6].split(",")) if len(argv) == 7 else frozenset()
        print(" ".join(map(str, sample(seed, int(argv[4]), int(argv[5]), excluded))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
