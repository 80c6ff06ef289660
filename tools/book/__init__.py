"""The toolchain of 《LLM推理优化实战》: checks that keep the book honest."""
