"""Citations as the printed book shows them, in the form the site uses (reading/bibliography.py): numbered per chapter
in order of first citation (顺序编码制), the page cited after the number as GB/T 7714-2015 writes it (`[3]20`), the
chapter's reference list with the pages cited; the book's own measurements cite briefly
(`（H100 实测，见本章代码示例）`, once per paragraph) and are not numbered. Citations come from the prose map
(reading/), with their spans in the source, so a citation wrapped over two lines is read whole."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..reading.bibliography import (ChapterReferences, gbt7714, is_measurement, measurement_chapter,
                                    measurement_device, measurement_note)
from ..reading.citations import Citation
from ..reading.sources import Registry

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
        return ",".join(f"[{n}]{page or ''}" for n, page in self.numbered)


class ChapterCitations:
    """The citations of one chapter (`chapter`: its number, for 见本章代码示例), in reading order."""

    def __init__(self, registry: Registry, root: Path, chapter: int | None = None):
        self.registry, self.root, self.chapter = registry, root, chapter
        self.references = ChapterReferences()
        self.shown: set[tuple[str, int]] = set()  # (measurement, paragraph) already cited

    @property
    def cited(self) -> bool:
        return len(self.references) > 0

    def mark(self, group: list[Citation], paragraph: int) -> Mark:
        """One citation (its sources share a span), numbered in reading order: call in the order of the text."""
        mark = Mark()
        for c in group:
            source = self.registry.sources.get(c.key or "")
            if c.problem or source is None:
                continue
            if is_measurement(source):
                if (c.key, paragraph) not in self.shown:
                    self.shown.add((c.key, paragraph))
                    device = measurement_device(self.root, source)
                    mark.measurements.append(measurement_note(device, measurement_chapter(source), self.chapter))
                continue
            entry = self.references.cite(c.key, c.page)
            mark.pending |= c.pending
            mark.numbered.append((entry.number, None if c.pending else c.page))
        return mark

    def reference_list(self) -> list[str]:
        """The chapter's entries, as plain text, in number order."""
        return [f"[{e.number}] {gbt7714(self.registry.sources[e.key], e.pages)}" for e in self.references]
