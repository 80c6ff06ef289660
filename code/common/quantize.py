"""Weight-only quantization of every linear layer: int8 per output channel, int4 per group of input channels.

As in gpt-fast: weights are stored as small integers plus a scale and widened back to the activations' dtype inside
`forward`. The saving is in the bytes a decode step reads; the matmul itself still runs in floating point.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class Int8Linear(nn.Module):
    def __init__(self, linear: nn.Linear):
        super().__init__()
        w = linear.weight.detach().float()
        scales = w.abs().amax(dim=1).clamp(min=1e-8) / 127
        self.register_buffer("weight_q", torch.round(w / scales[:, None]).clamp(-127, 127).to(torch.int8))
        self.register_buffer("scales", scales.to(linear.weight.dtype))

    def dequantized(self) -> torch.Tensor:
        return self.weight_q.float() * self.scales.float()[:, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight_q.to(x.dtype)) * self.scales


class Int4Linear(nn.Module):
    """Symmetric int4 in groups of `group_size` input channels; two values packed in each byte."""

    def __init__(self, linear: nn.Linear, group_size: int = 64):
        super().__init__()
        w = linear.weight.detach().float()
        out_features, in_features = w.shape
        if in_features % group_size or group_size % 2:
            raise ValueError(f"in_features {in_features} must be a multiple of an even group_size {group_size}")
        self.group_size = group_size
        groups = w.view(out_features, in_features // group_size, group_size)
        scales = groups.abs().amax(dim=-1).clamp(min=1e-8) / 7
        q = torch.round(groups / scales[..., None]).clamp(-8, 7).to(torch.int16).view(out_features, in_features) + 8
        self.register_buffer("weight_q", (q[:, 0::2] | (q[:, 1::2] << 4)).to(torch.uint8))
        self.register_buffer("scales", scales.to(linear.weight.dtype))

    def dequantized(self) -> torch.Tensor:
        low = (self.weight_q & 0x0F).to(torch.int16) - 8
        high = (self.weight_q >> 4).to(torch.int16) - 8
        q = torch.stack([low, high], dim=-1).flatten(1).float()
        out_features = q.shape[0]
        return (q.view(out_features, -1, self.group_size) * self.scales.float()[..., None]).view(out_features, -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.dequantized().to(x.dtype))


def quantize(model: nn.Module, bits: int = 8, group_size: int = 64) -> nn.Module:
    """Replace every nn.Linear of the model, in place, with its int8 or int4 weight-only version."""
    if bits not in (4, 8):
        raise ValueError("bits must be 8 or 4")
    for name, child in list(model.named_children()):
        if isinstance(child, nn.Linear):
            setattr(model, name, Int8Linear(child) if bits == 8 else Int4Linear(child, group_size))
        else:
            quantize(child, bits, group_size)
    return model
