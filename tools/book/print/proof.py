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


def toc_entries(proof: Proof) -> list[tuple[str, str]]:
    """(title, printed page) of each TOC line, read from the page titled 目录 to the last page that holds entries."""
    start = next(i for i, text in enumerate(proof.texts) if "".join(text.split()).startswith("目录"))
    entries: list[tuple[str, str]] = []
    for text in proof.texts[start:]:
        found = [TOC_ENTRY.match(line.strip()) for line in text.replace("\r", "").split("\n")]
        found = [(m["title"].strip(), m["page"]) for m in found if m]
        if not found:
            break
        entries += found
    return entries
