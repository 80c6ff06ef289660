"""`python -m book`: the `book` command."""
from .commands.cli import console

console()
