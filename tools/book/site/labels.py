"""Figures, tables and references as the site shows them, numbered as everywhere else (reading/labels.py).

- `![alt](path "图题"){#fig:x}` becomes a `<figure>` with the image and `<figcaption>图 4-1　图题</figcaption>`;
- `: 表题 {#tbl:x}` becomes a caption paragraph `**表 2-1**　表题` with the label as its id;
- `[](#fig:x)`, `[](#tbl:x)` and `[](#sec:4.3)` become links that read 图 4-1, 表 2-1, 4.3 节 (第4章 for a chapter).

Spans come from the same reader as the checks, run on the page as MkDocs hands it over, so code is never touched. A
reference that names nothing is left as written: `book check` reports it (ref-undefined) and the strict build fails
on its anchor.
"""
from __future__ import annotations

import html
import posixpath
from pathlib import Path
from typing import Callable

from ..reading import labels as labels_reading
from ..reading import prose
from ..reading.labels import Labels, space_after


# Drawn at the print width (140 mm); on screen as wide as the text column allows, up to about that width doubled.
IMAGE_STYLE = "width: 46rem; max-width: 100%"


def numbered(markdown: str, page: str, labels: Labels, docs: Path, slugify: Callable[[str, str], str] | None) -> str:
    """The page's Markdown (`page`: its path under the docs folder) with figures, tables and references numbered."""
    if "{#" not in markdown and "](#" not in markdown:
        return markdown
    found = labels_reading.scan(prose.parse(markdown))
    edits: list[tuple[int, int, str]] = []
    for d in found.definitions:
        label = labels.labels.get(d.name)
        text = label.text if label is not None and label.definition.line == d.line else None
        if text is None:
            continue  # a second definition of a label (ref-duplicate): left as written
        if d.kind == "figure":
            caption = html.escape(f"{text}　{d.caption}" if d.caption else text)
            # The caption is shown once, under the image, not also as its tooltip.
            image = "![{}]({}){{: style=\"{}\" }}".format(d.alt.replace("[", "\\[").replace("]", "\\]"), d.src,
                                                         IMAGE_STYLE)
            edits.append((d.start, d.end, f'<figure markdown="span" id="{d.name}">\n{image}\n'
                                          f"<figcaption>{caption}</figcaption>\n</figure>"))
        else:
            edits.append((d.start, d.end, f"**{text}**　{d.caption}\n{{: #{d.name} .table-caption }}"))
    for ref in found.references:
        target = link(ref.name, page, labels, docs, slugify)
        if target is not None:
            edits.append((ref.start, ref.end,
                          f"[{target[0]}]({target[1]})" + space_after(target[0], markdown[ref.end:ref.end + 1])))
    out, at = [], 0
    for start, end, replacement in sorted(edits):
        out += [markdown[at:start], replacement]
        at = end
    out.append(markdown[at:])
    return "".join(out)


def link(name: str, page: str, labels: Labels, docs: Path, slugify) -> tuple[str, str] | None:
    """(text, href) of a reference from `page`."""
    if name.startswith("sec:"):
        target = labels.sections.get(name[4:])
        if target is None or target.path is None or not target.path.is_relative_to(docs):
            return None
        there = target.path.relative_to(docs).as_posix()
        anchor = "#" + slugify(target.heading, "-") if target.level > 1 and slugify is not None else ""
        return target.text, (relative(there, page) if there != page or not anchor else "") + anchor
    label = labels.labels.get(name)
    if label is None or not label.path.is_relative_to(docs):
        return None
    there = label.path.relative_to(docs).as_posix()
    return label.text, ("" if there == page else relative(there, page)) + f"#{name}"


def relative(target: str, page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
