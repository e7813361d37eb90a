#!/usr/bin/env python3
"""PyTorch baseline for TrainingBench: GPT-2 training throughput on the same model and step.

Same architecture as the Java model (the independent reference implementation in
scripts/fixtures/gpt2_reference.py), same batch and sequence length, AdamW (weight decay 0.1 on
matrices only, betas 0.9/0.95), global-norm clipping at 1.0, random byte/token pages, fp32, eager.
Prints one JSON line: {"peak_rss_mib":..., "tokens_per_s":..., "step_ms":..., "matmul_gflops":..., "threads":...}.
With --device cuda it runs on the GPU and adds "peak_gpu_mib" (torch.cuda.max_memory_reserved: what the
caching allocator took from the device); --precision bf16 trains under torch.autocast(bfloat16) with fp32
weights and optimizer state, the scheme our --precision bf16 follows.

    /usr/bin/python3 scripts/bench/torch_train.py --preset tiny --batch 16 --seq 128 --steps 20 --threads 2
    python3 scripts/bench/torch_train.py --preset gpt2 --batch 8 --seq 1024 --steps 10 --device cuda
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gpt2_reference import GPT2LMHeadModel  # noqa: E402

PRESETS = {
    "tiny": dict(vocab_size=256, n_positions=128, n_embd=128, n_layer=4, n_head=4),
    "gpt2": dict(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12),
    "gpt2-medium": dict(vocab_size=50257, n_positions=1024, n_embd=1024, n_layer=24, n_head=16),
}


def config(name):
    cfg = dict(PRESETS[name])
    cfg.update(n_inner=None, layer_norm_epsilon=1e-5)
    return cfg


def init(model, std, n_layer):
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.zero_()
            elif ".ln_" in name:
                p.fill_(1.0)
            else:
                s = std / (2 * n_layer) ** 0.5 if name.endswith("c_proj.weight") else std
                p.copy_(torch.randn(p.shape, generator=g) * s)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_gflops(n, seconds=1.0, device=torch.device("cpu"), dtype=torch.float32):
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    torch.matmul(a, b)
    sync(device)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.matmul(a, b)
        count += 1
        if count % 8 == 0:
            sync(device)
    sync(device)
    return 2.0 * n ** 3 * count / (time.perf_counter() - start) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--matmul", type=int, default=1024)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    cfg = config(args.preset)
    model = GPT2LMHeadModel(cfg)
    init(model, 0.02, cfg["n_layer"])
    model.to(device)
    model.train()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=6e-4, betas=(0.9, 0.95), eps=1e-8)
    g = torch.Generator().manual_seed(1)
    pages = torch.randint(0, cfg["vocab_size"], (args.batch, args.seq + 1), generator=g).to(device)
    bf16 = args.precision == "bf16"

    def step():
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            logits = model(pages[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, cfg["vocab_size"]),
                                                 pages[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return float(loss)

    for _ in range(args.warmup):
        step()
    sync(device)
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    sync(device)
    seconds = time.perf_counter() - start
    peak_rss_mib = float("nan")
    with open("/proc/self/status") as f:  # VmHWM: this process's own peak (ru_maxrss carries the JVM's over exec)
        for line in f:
            if line.startswith("VmHWM:"):
                peak_rss_mib = int(line.split()[1]) / 1024.0
    out = {
        "peak_rss_mib": peak_rss_mib,
        "tokens_per_s": args.batch * args.seq * args.steps / seconds,
        "step_ms": 1000.0 * seconds / args.steps,
        "matmul_gflops": matmul_gflops(args.matmul, device=device),  # fp32 in both precisions, as the Java side's
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": str(device),
        "precision": args.precision,
    }
    if device.type == "cuda":
        out["peak_gpu_mib"] = torch.cuda.max_memory_reserved(device) / 2 ** 20
    print(json.dumps(out))


if __name__ == "__main__":
    main()
