#!/usr/bin/env python3
"""Writes common/src/main/resources/torchscript/softmax-last.pt: softmax over the last axis in the
input's own dtype, as a scripted module run with gradients on.

Why it exists: DJL's softmax passes its NDArray's data type to libtorch, and DJL has none for BF16
(asking aborts the process), so BF16 attention scores could only be widened to F32 for it, which keeps
F32 probabilities per layer for the backward pass. libtorch's CPU and CUDA softmax kernels accumulate
BF16 in F32 internally. Committed (about 2 KB); rerun with Debian's python3-torch to regenerate.
"""
import pathlib
import sys

import torch


class SoftmaxLast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(x, dim=-1)


def main() -> int:
    root = pathlib.Path(__file__).resolve().parents[2]
    out = root / "common/src/main/resources/torchscript/softmax-last.pt"
    module = torch.jit.script(SoftmaxLast())
    module.eval()
    torch.jit.save(module, str(out))
    print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
