"""How the book cites, for every output a reader receives (the site, the PDF, the EPUB):

- literature is numbered per chapter in the order of first citation (顺序编码制): a citation shows its number, and the
  page it cites outside the bracket, `[3]20` (GB/T 7714-2015, 10.1.3: a source cited again keeps its number);
- each chapter ends with its reference list, one GB/T 7714-2015 entry per source with every page the chapter cites;
- the book's own measurements (a registry entry whose `path` is a results file in code/results/) are not numbered:
  they cite briefly, `（H100 实测，见第4章代码示例）`, the device read from the results file.

The registry (manuscript/sources.yaml) gives what an entry needs: author, title, publisher, year, url, and optionally
`type`, the GB/T 7714 document type code (C conference paper, J journal article, R report, M book, EB online
resource…); without it the type is read from the entry: a publisher written as a venue and a year (`OSDI 2022`) is a
conference paper, `arXiv` and unpaged web sources are online resources, other paged sources are reports.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_FOLDER = "code/results/"
VENUE = re.compile(r"^[A-Z][A-Za-z]*\s+\d{4}$")  # `OSDI 2022`, `NeurIPS 2023`: a conference's proceedings
ET_AL = re.compile(r",?\s*(?:et al\.?|等)\s*$")
CJK = re.compile(r"[\u3400-\u9fff]")
DEVICE_MODEL = re.compile(r"\b([A-Z]{1,2}\d{2,4}[A-Za-z]?)\b")  # H100, A100, L40S, H200
MAX_AUTHORS = 3  # GB/T 7714-2015 8.1.2: the first three, then `et al.`


def is_measurement(source: dict) -> bool:
    """A source that is one of the book's own results files."""
    return str(source.get("path", "")).startswith(RESULTS_FOLDER)


def page_order(page: str) -> tuple:
    first = re.match(r"\d+", page)
    return (0, int(first[0]), page) if first else (1, 0, page)


@dataclass
class Entry:
    """One numbered source of a chapter's reference list and the pages the chapter cites of it, in page order."""
    number: int
    key: str
    pages: list[str] = field(default_factory=list)

    def add_page(self, page: str | None) -> None:
        if page and page not in ("?", "？") and page not in self.pages:
            self.pages.append(page)
            self.pages.sort(key=page_order)


class ChapterReferences:
    """The numbering of one chapter: `cite` in reading order gives each source its number on first citation."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}

    def cite(self, key: str, page: str | None) -> Entry:
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = Entry(len(self.entries) + 1, key)
        entry.add_page(page)
        return entry

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)


def document_type(source: dict) -> str:
    """The GB/T 7714 type code of a source, with `/OL` for one read online."""
    kind = source.get("type")
    publisher = str(source.get("publisher", ""))
    if not kind:
        if VENUE.match(publisher):
            kind = "C"
        elif publisher.lower().startswith("arxiv") or not source.get("paged"):
            kind = "EB"
        else:
            kind = "R"
    online = source.get("url") and "/" not in kind
    return f"{kind}/OL" if online else kind


def personal_name(name: str) -> str:
    """`Woosuk Kwon` → `KWON W`, `Albert Q. Jiang` → `JIANG A Q`, `Gyeong-In Yu` → `YU G I` (GB/T 7714 8.1.2);
    a Chinese name or an organisation (`DeepSeek-AI`) as written."""
    parts = name.split()
    if len(parts) < 2 or CJK.search(name):
        return name
    *given, family = parts
    initials = [piece[0].upper() for word in given for piece in re.split(r"[-.]", word) if piece]
    return " ".join([family.upper(), *initials])


def authors(source: dict) -> str:
    """The responsible persons as GB/T 7714 writes them; without an author, the publisher (an organisation)."""
    written = str(source.get("author", "")).strip()
    if not written:
        return str(source.get("publisher", "")).strip()
    more = bool(ET_AL.search(written))
    names = [n.strip() for n in re.split(r",|\band\b|、", ET_AL.sub("", written)) if n.strip()]
    if len(names) > MAX_AUTHORS:
        names, more = names[:MAX_AUTHORS], True
    shown = ", ".join(personal_name(n) for n in names)
    return f"{shown}, et al" if more else shown


def gbt7714(source: dict, pages: list[str] | tuple[str, ...] = ()) -> str:
    """A reference list entry in GB/T 7714-2015 form, with the pages cited (without its number): e.g.
    `KWON W, et al. Efficient Memory Management …[C/OL]//SOSP 2023. 2023: 5, 12. https://arxiv.org/abs/2309.06180.`"""
    kind = document_type(source)
    who = authors(source)
    title = str(source["title"]).strip()
    publisher = str(source.get("publisher", "")).strip()
    year = str(source.get("year", "")).strip()
    cited = ", ".join(pages)
    head = f"{who}. {title}[{kind}]" if who else f"{title}[{kind}]"
    if kind.startswith("C"):
        tail = f"//{publisher}. {year}" if publisher else f". {year}"
    else:
        by = publisher if publisher and publisher != who else ""
        tail = ". " + ", ".join(p for p in (by, year) if p)
    text = head + tail.rstrip(". ,") + (f": {cited}" if cited else "") + "."
    if source.get("url"):
        text += f" {source['url']}."
    return text


def measurement_device(root: Path, source: dict) -> str | None:
    """The device the results file was measured on, as a reader names it (`NVIDIA H100 80GB HBM3` → `H100`)."""
    try:
        data = json.loads((root / source["path"]).read_text(encoding="utf-8"))
        name = str(data["provenance"].get("device_name") or data["provenance"].get("device") or "")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not name:
        return None
    model = DEVICE_MODEL.search(name)
    if model:
        return model[1]
    return "CPU" if name.lower() == "cpu" else name.removeprefix("NVIDIA ").strip()


def measurement_chapter(source: dict) -> int | None:
    """The chapter whose notebook recorded a results file (`code/results/ch04-kv-cache.json` → 4)."""
    m = re.match(r"ch(\d{2})", Path(str(source.get("path", ""))).name)
    return int(m[1]) if m else None


def measurement_note(device: str | None, chapter: int | None, citing_chapter: int | None) -> str:
    """The brief text of a citation of the book's own measurement: `H100 实测，见第4章代码示例`."""
    where = "本章" if chapter is not None and chapter == citing_chapter else (f"第{chapter}章" if chapter else "")
    measured = f"{device} 实测" if device else "实测"
    return f"{measured}，见{where}代码示例" if where else measured
