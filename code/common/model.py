"""A small decoder-only transformer in plain PyTorch, in the spirit of
gpt-fast and nanoGPT.

RMSNorm, rotary position embeddings (RoPE), grouped-query attention (GQA),
a SwiGLU feed-forward block and a static KV cache. Every sequence of a
batch carries its own positions, so one cache serves plain decoding,
continuous batching (each row of the cache is a slot that a request holds)
and speculative decoding (rolling back is moving a position).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int = 256   # the byte-level tokenizer's alphabet
    dim: int = 256
    n_layer: int = 4
    n_head: int = 8
    # < n_head: grouped-query attention; == n_head: multi-head attention
    n_kv_head: int = 2
    # SwiGLU width; by default 8/3 of dim, rounded up to a multiple of 64
    hidden_dim: int | None = None
    max_seq_len: int = 512
    rope_base: float = 10000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_head

    @property
    def ffn_dim(self) -> int:
        if self.hidden_dim:
            return self.hidden_dim
        return 64 * math.ceil(8 * self.dim / 3 / 64)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        scale = torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return (x32 * scale).type_as(x) * self.weight


def rope_tables(config: ModelConfig,
                device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of every position × frequency, shape (max_seq_len,
    head_dim / 2)."""
    channels = torch.arange(0, config.head_dim, 2, device=device).float()
    freqs = 1.0 / (config.rope_base ** (channels / config.head_dim))
    positions = torch.arange(config.max_seq_len, device=device).float()
    angles = torch.outer(positions, freqs)
    return angles.cos(), angles.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor,
               sin: torch.Tensor) -> torch.Tensor:
    """Rotate pairs of channels of x (B, T, H, D) by the angles of their
    positions; cos/sin are (B, T, D/2)."""
    x1, x2 = x.float().unflatten(-1, (-1, 2)).unbind(-1)
    cos, sin = cos.unsqueeze(2), sin.unsqueeze(2)
    rotated = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos),
                          dim=-1).flatten(-2)
    return rotated.type_as(x)


class KVCache(nn.Module):
    """Keys and values of past positions, preallocated for `max_batch`
    sequences of `max_len` tokens."""

    def __init__(self, max_batch: int, config: ModelConfig,
                 dtype: torch.dtype, device=None,
                 max_len: int | None = None):
        super().__init__()
        shape = (max_batch, config.n_kv_head,
                 max_len or config.max_seq_len, config.head_dim)
        for name in ("k", "v"):
            self.register_buffer(
                name, torch.zeros(shape, dtype=dtype, device=device),
                persistent=False)

    def update(self, slots, positions: torch.Tensor, k: torch.Tensor,
               v: torch.Tensor, kv_len: int | None = None):
        """Store k, v (B, T, H_kv, D) at `positions` (B, T) of the cache
        rows `slots` (default: the first B); return those rows' keys and
        values, the first `kv_len` positions (default: all)."""
        rows = slots
        if slots is None:
            rows = torch.arange(k.shape[0], device=k.device)
        self.k[rows.unsqueeze(1), :, positions] = k
        self.v[rows.unsqueeze(1), :, positions] = v
        end = self.k.shape[2] if kv_len is None else kv_len
        if slots is None:  # a view: nothing is copied
            b = k.shape[0]
            return self.k[:b, :, :end], self.v[:b, :, :end]
        return self.k[slots, :, :end], self.v[slots, :, :end]


class Attention(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        kv_dim = config.n_kv_head * config.head_dim
        self.wq = nn.Linear(config.dim, config.dim, bias=False)
        self.wk = nn.Linear(config.dim, kv_dim, bias=False)
        self.wv = nn.Linear(config.dim, kv_dim, bias=False)
        self.wo = nn.Linear(config.dim, config.dim, bias=False)
        self.cache: KVCache | None = None

    def forward(self, x, cos, sin, positions, slots=None, kv_len=None):
        c = self.config
        B, T, _ = x.shape
        q = self.wq(x).view(B, T, c.n_head, c.head_dim)
        k = self.wk(x).view(B, T, c.n_kv_head, c.head_dim)
        v = self.wv(x).view(B, T, c.n_kv_head, c.head_dim)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        gqa = c.n_kv_head != c.n_head
        if self.cache is None:  # recompute: attend causally in this call
            out = F.scaled_dot_product_attention(
                q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                is_causal=True, enable_gqa=gqa)
        else:
            # With kv_len, attention reads the filled prefix only: the
            # step's cost grows with the context.
            keys, values = self.cache.update(slots, positions, k, v,
                                             kv_len)
            # A query sees the cached keys at positions up to its own;
            # later entries are stale or empty.
            where = torch.arange(keys.shape[2], device=x.device)
            visible = (where[None, None, None, :]
                       <= positions[:, None, :, None])
            out = F.scaled_dot_product_attention(
                q.transpose(1, 2), keys, values, attn_mask=visible,
                enable_gqa=gqa)
        return self.wo(out.transpose(1, 2).reshape(B, T, c.dim))


class FeedForward(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.w1 = nn.Linear(config.dim, config.ffn_dim, bias=False)
        self.w3 = nn.Linear(config.dim, config.ffn_dim, bias=False)
        self.w2 = nn.Linear(config.ffn_dim, config.dim, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.attention_norm = RMSNorm(config.dim, config.norm_eps)
        self.attention = Attention(config)
        self.ffn_norm = RMSNorm(config.dim, config.norm_eps)
        self.feed_forward = FeedForward(config)

    def forward(self, x, cos, sin, positions, slots=None, kv_len=None):
        x = x + self.attention(self.attention_norm(x), cos, sin,
                               positions, slots, kv_len)
        return x + self.feed_forward(self.ffn_norm(x))


class Transformer(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.tok_embeddings = nn.Embedding(config.vocab_size, config.dim)
        self.layers = nn.ModuleList(Block(config)
                                    for _ in range(config.n_layer))
        self.norm = RMSNorm(config.dim, config.norm_eps)
        self.output = nn.Linear(config.dim, config.vocab_size, bias=False)
        cos, sin = rope_tables(config)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def setup_cache(self, max_batch: int,
                    max_len: int | None = None) -> None:
        """Give every layer a static KV cache of `max_batch` rows of
        `max_len` positions (default: max_seq_len); the model then decodes
        incrementally."""
        # The embedding table stays unquantized, so its dtype is the
        # activations' dtype.
        table = self.tok_embeddings.weight
        for layer in self.layers:
            layer.attention.cache = KVCache(max_batch, self.config,
                                            table.dtype, table.device,
                                            max_len)

    def drop_cache(self) -> None:
        for layer in self.layers:
            layer.attention.cache = None

    def forward(self, tokens: torch.Tensor,
                positions: torch.Tensor | None = None, slots=None,
                kv_len: int | None = None) -> torch.Tensor:
        """Logits (B, T, vocab). `positions` (B, T) says where each token
        sits in its sequence; `slots` (B,) which cache rows the batch uses
        (default: the first B); `kv_len` how many cached positions
        attention reads (default: the whole cache; every position of the
        batch must lie below it)."""
        B, T = tokens.shape
        if positions is None:
            positions = torch.arange(T, device=tokens.device).expand(B, T)
        cos, sin = self.rope_cos[positions], self.rope_sin[positions]
        x = self.tok_embeddings(tokens)
        for layer in self.layers:
            x = layer(x, cos, sin, positions, slots, kv_len)
        return self.output(self.norm(x)).float()


def parameter_bytes(model: nn.Module) -> int:
    """Bytes of the weights a decode step reads (parameters and quantized
    buffers, not caches or RoPE tables)."""
    quantized = ("weight_q", "scales", "weight_packed", "scales_and_zeros")
    total = sum(p.numel() * p.element_size() for p in model.parameters())
    total += sum(b.numel() * b.element_size()
                 for name, b in model.named_buffers()
                 if name.rsplit(".", 1)[-1] in quantized)
    return total


def kv_bytes_per_token(config: ModelConfig,
                       bytes_per_value: int = 2) -> int:
    """Bytes of keys and values one token adds to the cache: 2 (K and V)
    × layers × KV heads × head dim × bytes."""
    c = config
    return 2 * c.n_layer * c.n_kv_head * c.head_dim * bytes_per_value


def decode_flops(config: ModelConfig, context: int) -> int:
    """FLOPs of one token's decode step: 2 per weight of the matrix
    products, plus attention over `context` keys."""
    c = config
    kv_dim = c.n_kv_head * c.head_dim
    per_layer = (2 * c.dim * c.dim + 2 * c.dim * kv_dim
                 + 3 * c.dim * c.ffn_dim)
    weights = c.n_layer * per_layer + c.dim * c.vocab_size
    return 2 * weights + c.n_layer * 4 * c.n_head * c.head_dim * context


def forward_flops(config: ModelConfig, n: int) -> int:
    """FLOPs of one causal forward pass over n tokens (recomputing a whole
    sequence): every token's matrix products, 2n FLOPs per weight, grow as
    n; its attention over the positions before it grows as n²."""
    c = config
    attention = c.n_layer * 4 * c.n_head * c.head_dim * n * (n + 1) // 2
    return decode_flops(config, 0) * n + attention
