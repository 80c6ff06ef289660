"""Citations as the printed book shows them: numbered per chapter in order of first citation (顺序编码制), and the
chapter's reference list in GB/T 7714-2015 form with the pages cited. The book's own measurements cite briefly
(实测) and are not numbered. The same grammar reads them as the claims check (reading.citations)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..reading.citations import Citations
from ..reading.sources import Registry

CONFERENCE = re.compile(r"\b(?:SOSP|OSDI|ICML|NeurIPS|ICLR|MLSys|EMNLP|ACL|NAACL|ISCA|ASPLOS|SC|EuroSys|ATC|"
                        r"NSDI|CVPR|AAAI|KDD|SIGCOMM|FAST|MICRO|HPCA|COLM)\b")


def own_measurement(key: str) -> bool:
    return key.startswith("results-")


@dataclass
class ChapterCitations:
    registry: Registry
    citations: Citations
    draft: bool
    numbers: dict[str, int] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=dict)

    def marks(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, Typst markup) of each citation in the text, numbered in order of first citation."""
        out = []
        found = self.citations.find(text)
        spans: dict[tuple[int, int], list] = {}
        for c in found:
            spans.setdefault((c.start, c.end), []).append(c)
        for (start, end), group in spans.items():
            numbers, own, pending = [], False, False
            for c in group:
                if c.problem or c.key is None:
                    continue
                if own_measurement(c.key):
                    own = True
                    continue
                number = self.numbers.setdefault(c.key, len(self.numbers) + 1)
                numbers.append(number)
                pages = self.pages.setdefault(c.key, [])
                if c.page == "?":
                    pending = True
                elif c.page and c.page not in pages:
                    pages.append(c.page)
            pieces = []
            if numbers:
                pieces.append(f'#cite-mark("{", ".join(str(n) for n in sorted(set(numbers)))}")')
            if own:
                pieces.append("#own-measurement()")
            if pending and self.draft:
                pieces.append("#pending-page()")
            if pieces:
                out.append((start, end, "".join(pieces)))
        return out

    def reference_list(self) -> list[str]:
        """The chapter's entries, as plain text, in citation order."""
        entries = []
        for key, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            source = self.registry.sources.get(key, {})
            entries.append(f"[{number}] {gbt7714(source, self.pages.get(key, []))}")
        return entries


def gbt7714(source: dict, pages: list[str]) -> str:
    """One entry: 作者. 题名[类型]. 出版者, 年: 页码. URL."""
    publisher = source.get("publisher", "")
    kind = "C" if CONFERENCE.search(publisher) else "R" if source.get("paged") else "EB/OL"
    parts = []
    if source.get("author"):
        parts.append(source["author"].rstrip(".") + ".")
    parts.append(f"{source.get('title', '').rstrip('.')}[{kind}].")
    where = ", ".join(str(x) for x in (publisher, source.get("year")) if x)
    if where:
        parts.append(where + (": " + ", ".join(pages) if pages else "") + ".")
    if source.get("url"):
        parts.append(source["url"] + ".")
    return " ".join(parts)
