#!/usr/bin/env python3
"""PyTorch baseline for EvalBench: the evaluation forward (no_grad) and loss of GPT-2 on the same
model and batch, in eager fp32. Prints one JSON line with tokens/s and the process's peak resident
memory (VmHWM, which includes the model's weights, as the Java side's does; not ru_maxrss, which
Linux carries over from the parent that started this process).

    /usr/bin/python3 scripts/bench/torch_eval.py --preset gpt2 --batch 8 --seq 1024 --reps 2 --threads 2
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gpt2_reference import GPT2LMHeadModel  # noqa: E402
from torch_train import config, init  # noqa: E402


def peak_resident_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="gpt2")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cfg = config(args.preset)
    model = GPT2LMHeadModel(cfg)
    init(model, 0.02, cfg["n_layer"])
    model.to(device)
    model.eval()
    g = torch.Generator().manual_seed(1)
    pages = torch.randint(0, cfg["vocab_size"], (args.batch, args.seq + 1), generator=g).to(device)

    def evaluate():
        with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            logits = model(pages[:, :-1])
            # float(): the .item() also waits for the GPU
            return float(torch.nn.functional.cross_entropy(logits.float().reshape(-1, cfg["vocab_size"]),
                                                           pages[:, 1:].reshape(-1)))

    evaluate()
    best = float("inf")
    for _ in range(args.reps):
        start = time.perf_counter()
        evaluate()
        best = min(best, time.perf_counter() - start)
    out = {"tokens_per_s": args.batch * args.seq / best, "peak_rss_mib": peak_resident_mib(),
           "threads": torch.get_num_threads(), "torch": torch.__version__, "device": str(device),
           "precision": args.precision}
    if device.type == "cuda":
        out["peak_gpu_mib"] = torch.cuda.max_memory_reserved(device) / 2 ** 20
    print(json.dumps(out))


if __name__ == "__main__":
    main()
