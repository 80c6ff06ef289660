"""Shared code of the book's demos: one small model, generation, quantization, training, measurement, results."""
