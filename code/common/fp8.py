"""FP8 (E4M3) matrix products with scales: W8A8, weights and activations
both in 8 bits, multiplied by `torch._scaled_mm` (FP8 tensor cores on
Hopper and Ada; a reference implementation on a CPU).

E4M3 keeps 3 mantissa bits and reaches +-448, so every tensor is scaled
into that range first: one scale per tensor, or one per row (per token
for activations, per output channel for weights). The product is then
scale_x * scale_w * (x_fp8 @ w_fp8.T), accumulated in fp32.
"""
from __future__ import annotations

import torch

E4M3 = torch.float8_e4m3fn
E4M3_MAX = torch.finfo(E4M3).max      # 448


def quantize(t: torch.Tensor, rowwise: bool
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """(t / scale in E4M3, scale as fp32): one scale for the tensor,
    or with `rowwise` one per row (shape (rows, 1))."""
    t32 = t.float()
    amax = (t32.abs().amax(dim=-1, keepdim=True) if rowwise
            else t32.abs().amax())
    scale = amax.clamp(min=1e-12) / E4M3_MAX
    q = (t32 / scale).clamp(-E4M3_MAX, E4M3_MAX).to(E4M3)
    return q, scale


def matmul(xq: torch.Tensor, x_scale: torch.Tensor, wq: torch.Tensor,
           w_scale: torch.Tensor,
           out_dtype: torch.dtype = torch.bfloat16) -> torch.Tensor:
    """x @ w.T from their E4M3 forms (x: (M, K), w: (N, K)), on the
    FP8 path of `torch._scaled_mm`. Row-wise scales of w (N, 1) go in
    as (1, N): the scale of each output column."""
    return torch._scaled_mm(xq, wq.t(), scale_a=x_scale,
                            scale_b=w_scale.t(), out_dtype=out_dtype)


def reference(xq: torch.Tensor, x_scale: torch.Tensor, wq: torch.Tensor,
              w_scale: torch.Tensor) -> torch.Tensor:
    """The same product computed from the widened values in fp32: what
    `matmul` must return on any backend, up to its output rounding."""
    return (xq.float() * x_scale) @ (wq.float() * w_scale).t()


def relative_error(out: torch.Tensor, exact: torch.Tensor) -> float:
    """||out - exact|| / ||exact|| (Frobenius), in fp32."""
    exact = exact.float()
    return ((out.float() - exact).norm() / exact.norm()).item()
