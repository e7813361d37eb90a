#!/usr/bin/env python3
"""Writes common/src/main/resources/torchscript/precision-cast.pt, the one TorchScript module the
JVM side loads: a differentiable cast F32 -> BF16 and BF16 -> F32.

Why it exists: DJL's PyTorch JNI (0.32 and every later release so far) maps no DataType to
torch.bfloat16, and its toType runs under NoGradGuard, so neither a BF16 tensor nor a recorded cast
can be made through NDArray. A scripted module run with gradients on does both. The archive is
committed (about 2 KB) so that nothing needs Python at run time; rerun this script to regenerate it
with Debian's python3-torch (see scripts/install-test-deps.sh).
"""
import pathlib
import sys

import torch


class PrecisionCast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # A toggle: F32 becomes BF16, anything else becomes F32. Autograd records the cast, so the
        # gradient of a BF16 copy of an F32 weight lands on the weight in F32.
        if x.dtype == torch.float32:
            return x.to(torch.bfloat16)
        return x.to(torch.float32)


def main() -> int:
    root = pathlib.Path(__file__).resolve().parents[2]
    out = root / "common/src/main/resources/torchscript/precision-cast.pt"
    out.parent.mkdir(parents=True, exist_ok=True)
    module = torch.jit.script(PrecisionCast())
    module.eval()
    torch.jit.save(module, str(out))
    print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
