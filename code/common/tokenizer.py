"""Byte-level tokenizer: every UTF-8 byte is a token, so any text (Chinese
included) round-trips exactly."""
from __future__ import annotations

import torch


class ByteTokenizer:
    vocab_size = 256

    def encode(self, text: str) -> torch.Tensor:
        data = bytearray(text.encode("utf-8"))
        return torch.frombuffer(data, dtype=torch.uint8).long()

    def decode(self, tokens) -> str:
        if hasattr(tokens, "tolist"):
            tokens = tokens.tolist()
        return bytes(list(tokens)).decode("utf-8", errors="replace")
