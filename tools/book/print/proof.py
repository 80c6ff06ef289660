"""Reading a built PDF back, as a proofreader would: its fonts, its text per page, its page labels, the TOC's
entries. The print tests check the book's PDF with these; nothing here compiles."""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

TOC_ENTRY = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*)+\s*(?P<page>[0-9]+|[ivxlc]+)\s*$")


@dataclass(frozen=True)
class Font:
    name: str
    embedded: bool


@dataclass
class Proof:
    texts: list[str]        # each page's text layer
    labels: list[str]       # each page's printed number (the PDF's page labels)
    fonts: set[Font]


def read(path: Path) -> Proof:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    document = pdfium.PdfDocument(str(path))
    try:
        texts, labels, fonts = [], [], set()
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            labels.append(document.get_page_label(index))
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=3):
                font = raw.FPDFTextObj_GetFont(obj.raw)
                size = raw.FPDFFont_GetBaseFontName(font, None, 0)
                buffer = ctypes.create_string_buffer(size)
                raw.FPDFFont_GetBaseFontName(font, buffer, size)
                fonts.add(Font(buffer.value.decode("utf-8", "replace"), bool(raw.FPDFFont_GetIsEmbedded(font))))
            textpage.close()
            page.close()
        return Proof(texts, labels, fonts)
    finally:
        document.close()


def toc_entries(proof: Proof, last_toc_page: int = 12) -> list[tuple[str, str]]:
    """(title, printed page) of each TOC line, read from the pages from the one titled 目录 on."""
    start = next(i for i, text in enumerate(proof.texts) if text.lstrip().startswith("目") and "录" in text[:6])
    entries = []
    for text in proof.texts[start:start + last_toc_page]:
        if entries and not TOC_ENTRY.match(text.strip().split("\n")[0].strip() if text.strip() else ""):
            if not any(TOC_ENTRY.match(line.strip()) for line in text.split("\n")):
                break
        for line in text.replace("\r", "").split("\n"):
            m = TOC_ENTRY.match(line.strip())
            if m:
                entries.append((m["title"].strip(), m["page"]))
    return entries
