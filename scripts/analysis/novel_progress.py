#!/usr/bin/env python3
"""Measures, for every delta a local subnet run left in its miners' stores, how much of it is new and
whether what is new makes progress: the lead for the replay screen's open hole (docs/scoring.md).

For each round r with a known base (the averager's base history in <workdir>/stores/averager/bases/):
  - g = gradient of the mean next-token loss of the round's base on 48 fixed pages of the Brown corpus
    (pages the miners do not train on: files 400-419 of data/brown), through the independent PyTorch
    GPT-2 of scripts/fixtures/gpt2_reference.py;
  - for each delta of round r: its residual after the least-squares projection on the span of the
    honest miners' deltas of rounds r-3..r-1 (exact, in full parameter space), and prints
    nov = |res|^2/|d|^2, cos(d, -g) and cos(res, -g).
A noisy copy of an earlier delta has a residual that is mostly its noise, which points nowhere:
cos(res, -g) stays within about 1/sqrt(#parameters) of 0 whatever the noise level, while an honest
delta's new part descends the loss.

    /usr/bin/python3 scripts/analysis/novel_progress.py work/local-subnet

Needs Debian's python3-torch and python3-numpy (./scripts/install-test-deps.sh installs them) and a
run whose <workdir>/miners.tsv names the miners (local-subnet.sh writes it).
"""
import glob
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gpt2_reference import load_dir, read_safetensors  # noqa: E402


def main(workdir):
    names = {}
    with open(os.path.join(workdir, "miners.tsv")) as f:
        for line in f:
            name, _, hotkey = line.rstrip("\n").split("\t")[:3]
            names[hotkey] = name
    stores = os.path.join(workdir, "stores")
    bases = {}
    for path in glob.glob(os.path.join(stores, "averager", "bases", "*.json")):
        with open(path) as f:
            b = json.load(f)
        bases[b["round"]] = b["revision"]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    files = sorted(glob.glob(os.path.join(root, "data", "brown", "*.txt")))[400:420]
    text = b"".join(open(p, "rb").read() for p in files)
    starts = np.random.default_rng(7).integers(0, len(text) - 129, 48)
    pages = torch.tensor([list(text[s:s + 128]) for s in starts])

    def deltas_of(r):
        out = {}
        for path in glob.glob(os.path.join(stores, "*", "rounds", str(r), "*", "delta.safetensors")):
            hotkey = path.split(os.sep)[-2]
            out[names.get(hotkey, hotkey)] = read_safetensors(path)
        return out

    def flat(delta, keys):
        return np.concatenate([delta[k].numpy().ravel().astype(np.float64) for k in keys])

    rounds = sorted({int(p.split(os.sep)[-1]) for p in glob.glob(os.path.join(stores, "*", "rounds", "*"))})
    for r in rounds:
        known = [x for x in bases if x <= r]
        if not known:
            continue
        revision = bases[max(known)]
        model_dir = os.path.join(stores, "averager", "models", revision)
        current = deltas_of(r)
        if not os.path.isdir(model_dir) or not current:
            continue
        _, model = load_dir(model_dir)
        logits = model(pages)
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), pages[:, 1:].reshape(-1))
        model.zero_grad()
        loss.backward()
        params = dict(model.named_parameters())
        keys = sorted(next(iter(current.values())).keys())
        descent = -np.concatenate([params[k if k.startswith("transformer.") else "transformer." + k].grad.numpy()
                                   .ravel().astype(np.float64) for k in keys])
        earlier = [flat(d, keys) for rr in range(r - 3, r) for n, d in deltas_of(rr).items() if n.startswith("miner-")]
        basis = np.array(earlier).T if earlier else None
        print(f"round {r} base {revision[:12]} ({len(earlier)} earlier honest deltas)")
        for name in sorted(current):
            d = flat(current[name], keys)
            res = d - basis @ np.linalg.lstsq(basis, d, rcond=None)[0] if basis is not None else d
            cos_d = d @ descent / (np.linalg.norm(d) * np.linalg.norm(descent) + 1e-30)
            cos_r = res @ descent / (np.linalg.norm(res) * np.linalg.norm(descent) + 1e-30)
            z_r = res @ descent / (np.sqrt(np.sum(res * res * descent * descent)) + 1e-30)
            print(f"  {name:16s} nov {res @ res / (d @ d + 1e-30):.2f}  cos(d,-g) {cos_d:+.3f}  cos(res,-g) {cos_r:+.4f}"
                  f"  z(res) {z_r:+7.1f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: novel_progress.py <local-subnet workdir>")
    main(sys.argv[1])
