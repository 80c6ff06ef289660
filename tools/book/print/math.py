"""LaTeX math (`\\( … \\)`, `\\[ … \\]`) as Typst math, through pandoc's LaTeX reader and Typst writer, once per
formula: the result is cached by the formula's text. A formula pandoc cannot read prints as written."""
from __future__ import annotations

import hashlib
import json

from ..cache import cache_dir
from ..reading.repo import Repo
from .markup import escape


class MathConverter:
    def __init__(self, repo: Repo):
        self.repo = repo
        self.folder = cache_dir(repo.root, "print-math", "1")

    def convert(self, tex: str, display: bool) -> str:
        key = hashlib.sha256(f"{display}\n{tex}".encode()).hexdigest()
        cached = self.folder / f"{key}.json"
        try:
            return json.loads(cached.read_text(encoding="utf-8"))["typst"]
        except (OSError, ValueError, KeyError):
            pass
        typst = self.pandoc(tex.strip(), display)
        self.folder.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"tex": tex, "typst": typst}), encoding="utf-8")
        return typst

    def pandoc(self, tex: str, display: bool) -> str:
        import pypandoc
        wrapped = f"\\[{tex}\\]" if display else f"\\({tex}\\)"
        try:
            out = pypandoc.convert_text(wrapped, "typst", format="latex").strip()
        except RuntimeError:
            return escape(tex)
        return out if out.startswith("$") else escape(tex)
