"""Citations as the printed book shows them: numbered per chapter in order of first citation (顺序编码制), the page
cited after the number as GB/T 7714-2015 writes it (`[3]20`), and the chapter's reference list with the pages cited.
The book's own measurements cite briefly (实测) and are not numbered. Citations come from the prose map (reading/),
with their spans in the source, so a citation wrapped over two lines is read whole."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..reading.citations import Citation
from ..reading.sources import Registry

CONFERENCE = re.compile(r"\b(?:SOSP|OSDI|ICML|NeurIPS|ICLR|MLSys|EMNLP|ACL|NAACL|ISCA|ASPLOS|SC|EuroSys|ATC|"
                        r"NSDI|CVPR|AAAI|KDD|SIGCOMM|FAST|MICRO|HPCA|COLM)\b")
# A citation's place in the text handed to the Markdown reader: private-use characters around its index.
PLACE = re.compile("[ \t]*\ue000(\\d+)\ue001")


@dataclass
class Mark:
    """What one citation prints: numbered sources with the page cited, the book's own measurements, a pending page."""
    numbered: list[tuple[int, str | None]] = field(default_factory=list)
    measurements: list[str] = field(default_factory=list)
    pending: bool = False

    @property
    def superscript(self) -> str:
        return "".join(f"[{n}]{page or ''}" for n, page in self.numbered)


def own_measurement(key: str) -> bool:
    return key.startswith("results-")


@dataclass
class ChapterCitations:
    registry: Registry
    numbers: dict[str, int] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=dict)

    def mark(self, group: list[Citation]) -> Mark:
        """One citation (its sources share a span), numbered in reading order: call in the order of the text."""
        mark = Mark()
        for c in group:
            if c.problem or c.key is None:
                continue
            if own_measurement(c.key):
                mark.measurements.append("实测，见本章代码示例")
                continue
            number = self.numbers.setdefault(c.key, len(self.numbers) + 1)
            pages = self.pages.setdefault(c.key, [])
            if c.page == "?":
                mark.pending = True
            elif c.page and c.page not in pages:
                pages.append(c.page)
            mark.numbered.append((number, None if c.page == "?" else c.page))
        return mark

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
