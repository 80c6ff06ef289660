"""This checkout's `book` command, run from the source without installing it.

The repository's own pre-commit hooks use it (`python tools/run-book.py claims FILE…`): pre-commit gives them an
environment with the pinned dependencies, and the toolchain is read from tools/ as it is in the working tree.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from book.commands.cli import console  # noqa: E402

console()
