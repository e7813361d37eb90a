"""Writes weight-processing-vectors.jsonl (stdout): inputs and the u16 weights the bittensor SDK sends for them.

The reference below restates the SDK's process_weights (bittensor/utils/weight_utils.py, exclude
quantile 0) and convert_weights_and_uids_for_emit with numpy 2 (bittensor 9 pins numpy 2, whose
promotion rules decide the float32/float64 mix). The SDK is given the dense vector (uids = arange(n)),
as validators call it; WeightProcessingTest gives Java the sparse one. Cases where Tensorswarm departs
from the SDK (all-zero weights, a subnet smaller than MinAllowedWeights) are not generated.

    python3 weight_processing_vectors.py > weight-processing-vectors.jsonl
"""
import json

import numpy as np

U16_MAX = 65535


def normalize_max_weight(x, limit):
    eps = 1e-7
    w = x.copy()
    v = np.sort(w)
    if x.sum() == 0 or x.shape[0] * limit <= 1:
        return np.ones_like(x) / x.shape[0]
    est = v / v.sum()
    if est.max() <= limit:
        return w / w.sum()
    cs = np.cumsum(est, 0)
    est_sum = np.array([(len(v) - i - 1) * est[i] for i in range(len(v))])
    n_values = (est / (est_sum + cs + eps) < limit).sum()
    cutoff_scale = (limit * cs[n_values - 1] - eps) / (1 - (limit * (len(est) - n_values)))
    cutoff = cutoff_scale * v.sum()
    w[w > cutoff] = cutoff
    return w / w.sum()


def process(weights, n, min_allowed, limit):
    nz_idx = np.argwhere(weights > 0).squeeze(axis=1)
    nz = weights[nz_idx]
    if nz.size < min_allowed:
        w = np.ones(n, dtype=np.int64) * 1e-5
        w[nz_idx] += nz
        return np.arange(n), normalize_max_weight(w, limit), "fill"
    x = nz / nz.sum()
    if nz.size * limit <= 1:
        path = "uniform"
    elif x.max() <= np.float32(limit):
        path = "plain"
    else:
        path = "clip"
    return nz_idx, normalize_max_weight(nz, limit), path


def convert(uids, weights):
    values = weights.tolist()
    top = float(max(values))
    out_u, out_w = [], []
    for w, u in zip(values, uids.tolist()):
        q = round(float(w) / top * U16_MAX)
        if q != 0:
            out_u.append(u)
            out_w.append(q)
    return out_u, out_w


rng = np.random.default_rng(7)
taken = {}
for t in range(3000):
    n = int(rng.choice([1, 2, 3, 5, 8, 9, 16, 17, 64, 127, 128, 129, 200, 256, 300]))
    k = int(rng.integers(1, n + 1))
    w = np.zeros(n, dtype=np.float32)
    idx = rng.choice(n, size=k, replace=False)
    kind = t % 4
    if kind == 0:
        vals = rng.exponential(1.0, k)
    elif kind == 1:
        vals = rng.random(k) ** 4
    elif kind == 2:
        vals = np.ones(k)
        vals[0] = 50
    else:
        vals = rng.random(k)
        vals /= vals.sum()
    w[idx] = vals.astype(np.float32)
    min_allowed = int(rng.integers(0, n + 1))
    limit = int(rng.choice([65535, 32767, 13107, 6553, 3276, 1000, int(rng.integers(1, 65536))]))
    uids, shares, path = process(w, n, min_allowed, limit / U16_MAX)
    key = (path, n > 128)
    if taken.get(key, 0) >= (3 if path in ("clip", "fill") else 2):
        continue
    taken[key] = taken.get(key, 0) + 1
    emit_uids, emit_values = convert(uids, shares)
    sparse = [i for i in range(n) if w[i] > 0]
    print(json.dumps({"path": path, "neurons": n, "minAllowedWeights": min_allowed, "maxWeightLimit": limit,
                      "uids": sparse, "weights": [float(w[i]) for i in sparse],
                      "emitUids": emit_uids, "emitValues": emit_values}))
