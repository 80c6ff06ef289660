"""Byte-level tokenizer: every UTF-8 byte is a token, so any text (Chinese included) round-trips exactly."""
from __future__ import annotations

import torch


class ByteTokenizer:
    vocab_size = 256

    def encode(self, text: str) -> torch.Tensor:
        return torch.frombuffer(bytearray(text.encode("utf-8")), dtype=torch.uint8).long()

    def decode(self, tokens) -> str:
        values = tokens.tolist() if hasattr(tokens, "tolist") else list(tokens)
        return bytes(values).decode("utf-8", errors="replace")
