#!/usr/bin/env python3
"""Writes the TorchScript modules the JVM side loads (common/src/main/resources/torchscript/):

- precision-cast.pt: a differentiable cast, F32 -> BF16 and anything else -> F32;
- softmax-last.pt: softmax over the last axis in the input's own dtype;
- gelu-tanh.pt: GPT-2's gelu_new as libtorch's fused gelu(approximate="tanh").

Why they exist: DJL's PyTorch JNI (0.32 and every later release so far) maps no DataType to
torch.bfloat16 (asking aborts the process), its toType runs under NoGradGuard, and its softmax passes
its own (unknown) dtype for a BF16 array; its gelu is the exact erf form only, and composing gelu_new
from element-wise ops costs nine passes over the MLP activations each way. Scripted modules run with
gradients on do all of these. The
archives are committed (about 2 KB each) so that nothing needs Python at run time; rerun this script
to regenerate them with Debian's python3-torch (see scripts/install-test-deps.sh).
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


class SoftmaxLast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # libtorch's BF16 softmax accumulates in F32 internally.
        return torch.softmax(x, dim=-1)


class GeluTanh(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): GPT-2's gelu_new, one fused kernel each way.
        return torch.nn.functional.gelu(x, approximate="tanh")


MODULES = {"precision-cast.pt": PrecisionCast, "softmax-last.pt": SoftmaxLast, "gelu-tanh.pt": GeluTanh}


def main() -> int:
    out_dir = pathlib.Path(__file__).resolve().parents[2] / "common/src/main/resources/torchscript"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, cls in MODULES.items():
        out = out_dir / name
        module = torch.jit.script(cls())
        module.eval()
        torch.jit.save(module, str(out))
        print(f"wrote {out} ({out.stat().st_size} bytes) with torch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
