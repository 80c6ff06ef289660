"""Weight-only quantization of every linear layer: int8 per output
channel, int4 per group of input channels.

The weights are stored as small integers plus scales; the activations
stay in floating point. What a decode step saves is bytes read, and only
if the kernel that multiplies reads the small integers directly:

- int8, batch 1: `(x[..., None, :] * w_int8.to(x.dtype)).sum(-1) *
  scales`, a form that torch.compile (Inductor) turns into one kernel
  that reads the int8 weight once (as gpt-fast does).
  `naive=True` keeps the textbook form `F.linear(x, w_int8.to(x.dtype))
  * scales` for comparison: Inductor replaces that pattern with ATen's
  own `_weight_int8pack_mm`, whose CUDA kernel (one thread per output,
  uncoalesced weight reads) is what makes it slow, as chapter 6's
  profile shows; not a widened copy of the weight.
- int4 on a CUDA GPU: PyTorch's tinygemm kernel,
  `aten._weight_int4pack_mm`, on weights packed by
  `aten._convert_weight_to_int4pack` (`Int4Linear.use_tinygemm()`);
  elsewhere the reference path dequantizes the weight and multiplies.
  Both compute the same function: (q - 8) * scale per group of
  `group_size` input channels.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class Int8Linear(nn.Module):
    def __init__(self, linear: nn.Linear, naive: bool = False):
        super().__init__()
        w = linear.weight.detach().float()
        self.out_features, self.in_features = w.shape
        scales = w.abs().amax(dim=1).clamp(min=1e-8) / 127
        q = torch.round(w / scales[:, None]).clamp(-127, 127)
        self.register_buffer("weight_q", q.to(torch.int8))
        self.register_buffer("scales", scales.to(linear.weight.dtype))
        self.naive = naive

    def dequantized(self) -> torch.Tensor:
        return self.weight_q.float() * self.scales.float()[:, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.weight_q.to(x.dtype)
        if self.naive or x.shape[:-1].numel() != 1:
            return F.linear(x, w) * self.scales
        # One token: a broadcast multiply and a sum over the input
        # channels, which Inductor fuses into one kernel.
        return (x[..., None, :] * w).sum(-1) * self.scales


def _int4_values(weight_q: torch.Tensor) -> torch.Tensor:
    """The unsigned 4-bit values 0..15 (out, in) of weights packed two a
    byte, the even input channel low."""
    low, high = weight_q & 0x0F, weight_q >> 4
    return torch.stack([low, high], dim=-1).flatten(1)


class Int4Linear(nn.Module):
    """Symmetric int4 in groups of `group_size` input channels; two
    values packed in each byte."""

    def __init__(self, linear: nn.Linear, group_size: int = 64):
        super().__init__()
        w = linear.weight.detach().float()
        out_features, in_features = w.shape
        if in_features % group_size or group_size % 2:
            raise ValueError(f"in_features {in_features} must be a "
                             f"multiple of an even group_size "
                             f"{group_size}")
        self.group_size = group_size
        self.out_features, self.in_features = out_features, in_features
        groups = w.view(out_features, in_features // group_size,
                        group_size)
        scales = groups.abs().amax(dim=-1).clamp(min=1e-8) / 7
        q = torch.round(groups / scales[..., None]).clamp(-8, 7)
        q = q.to(torch.int16).view(out_features, in_features) + 8
        packed = (q[:, 0::2] | (q[:, 1::2] << 4)).to(torch.uint8)
        self.register_buffer("weight_q", packed)
        self.register_buffer("scales", scales.to(linear.weight.dtype))
        self.tinygemm = False

    def dequantized(self) -> torch.Tensor:
        q = _int4_values(self.weight_q).to(torch.int16) - 8
        groups = q.float().view(self.out_features, -1, self.group_size)
        scaled = groups * self.scales.float()[..., None]
        return scaled.view(self.out_features, -1)

    def use_tinygemm(self, inner_k_tiles: int = 8) -> None:
        """Repack for `aten._weight_int4pack_mm` (CUDA, bf16 activations)
        and check it against the reference path.

        Where the layer's shape does not suit the kernel the reference
        path stays; its checks compare both paths.
        """
        device = self.weight_q.device
        if (device.type != "cuda"
                or self.group_size not in (32, 64, 128, 256)
                or self.out_features % 8
                or self.in_features % (inner_k_tiles * 16)):
            return
        values = _int4_values(self.weight_q).to(torch.int32)
        scales = self.scales.to(torch.bfloat16)
        scales_and_zeros = torch.stack(
            [scales, torch.zeros_like(scales)], dim=-1
        ).transpose(0, 1).contiguous()
        x = torch.randn(3, self.in_features, device=device,
                        dtype=torch.bfloat16)
        reference = F.linear(x.float(), self.dequantized())
        # PyTorch >= 2.5 packs two values a byte with the even input
        # channel in the high nibble; the check against the reference
        # path confirms the layout (and would catch the other order on
        # another version).
        errors = {}
        for even_high in (True, False):
            even, odd = values[:, 0::2], values[:, 1::2]
            packed_bytes = (even << 4 | odd if even_high
                            else odd << 4 | even).to(torch.uint8)
            packed = torch.ops.aten._convert_weight_to_int4pack(
                packed_bytes, inner_k_tiles)
            out = torch.ops.aten._weight_int4pack_mm(
                x, packed, self.group_size, scales_and_zeros).float()
            errors[even_high] = ((out - reference).norm()
                                 / reference.norm()).item()
            if errors[even_high] < 2e-2:
                break
        else:
            raise RuntimeError(f"tinygemm int4 path disagrees with the "
                               f"reference path (relative errors "
                               f"{errors})")
        self.register_buffer("weight_packed", packed)
        self.register_buffer("scales_and_zeros", scales_and_zeros)
        # The packed copy replaces them: a step reads only what it uses.
        del self.weight_q, self.scales
        self.tinygemm = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.tinygemm:
            shape = x.shape
            out = torch.ops.aten._weight_int4pack_mm(
                x.reshape(-1, shape[-1]).to(torch.bfloat16),
                self.weight_packed, self.group_size,
                self.scales_and_zeros)
            return out.reshape(*shape[:-1], self.out_features).to(x.dtype)
        return F.linear(x, self.dequantized().to(x.dtype))


def quantize(model: nn.Module, bits: int = 8, group_size: int = 64,
             naive: bool = False) -> nn.Module:
    """Replace every nn.Linear of the model, in place, with its int8 or
    int4 weight-only version."""
    if bits not in (4, 8):
        raise ValueError("bits must be 8 or 4")
    for name, child in list(model.named_children()):
        if isinstance(child, nn.Linear):
            setattr(model, name,
                    Int8Linear(child, naive) if bits == 8
                    else Int4Linear(child, group_size))
        else:
            quantize(child, bits, group_size, naive)
    return model


def use_tinygemm(model: nn.Module) -> int:
    """Switch every Int4Linear of a model on a CUDA GPU to the tinygemm
    kernel; returns how many switched."""
    switched = 0
    for module in model.modules():
        if isinstance(module, Int4Linear):
            module.use_tinygemm()
            switched += module.tinygemm
    return switched


def linear_bytes(model: nn.Module) -> dict[str, int]:
    """Bytes one decode step's matrix products move, counted from the
    tensor shapes of the weights (not measured): `stored`, every linear
    layer's weight as stored (bf16, int8 or packed int4, with scales),
    read once; `widened`, the same when each quantized weight is first
    widened into a floating-point copy in memory: the stored weight
    read, the copy written, then read again by the product."""
    activation = model.tok_embeddings.weight.element_size()
    stored = widened = 0
    for module in model.modules():
        if isinstance(module, nn.Linear):
            size = module.weight.numel() * module.weight.element_size()
            stored, widened = stored + size, widened + size
        elif isinstance(module, (Int8Linear, Int4Linear)):
            size = sum(b.numel() * b.element_size()
                       for b in module.buffers())
            copy = module.out_features * module.in_features * activation
            stored, widened = stored + size, widened + size + 2 * copy
    return {"stored": stored, "widened": widened}
