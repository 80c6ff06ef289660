"""What the site links to: every local link of a page (Markdown links and images, raw HTML `src` and `href`) must
reach a file, and nothing the site is built from may be a symbolic link that leaves the repository.

A finding is located where the link is written, and names it as the author wrote it (`../code/…`, not the form the
site rewrites it to). Links to the web and to `mailto:` are not checked here. A link to a heading (`#anchor`, on the
same page or another) must name an anchor the page has: the heading's slug as the site makes it, or the nearest
one is suggested.
"""
from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from urllib.parse import unquote

from ..findings import ERROR, Finding, rel
from ..messages import finding, say
from ..reading.book import Book
from ..reading.labels import REFERENCE as LABEL_REFERENCE
from ..reading.prose import HTML_ATTRIBUTE, HTML_PIECE, Document, block_source
from ..reading.repo import Repo

EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")  # http:, mailto:, data:, a protocol-relative URL
LINK_ATTRIBUTES = frozenset({"src", "href", "srcset", "poster", "data"})
# Where the site's sources live: a symbolic link in these folders must stay inside the repository.
LINKED_FOLDERS = ("manuscript", "toc", "code")
# Pages the site generates at the manuscript's top (the references, the claims ledger and the TODO page of the
# draft site, the errata page).
GENERATED_PAGES = {"references.md": "参考来源", "claims.md": "数据声明", "todo.md": "待办数据项", "errata.md": "勘误"}


def local_target(link: str) -> str | None:
    """The file part of a local link (`../code/x.ipynb#cell` -> `../code/x.ipynb`), or None for a link that is not one
    to check (the web, an anchor on the same page, the site's root)."""
    link = link.strip()
    if not link or link.startswith(("#", "/")) or EXTERNAL.match(link):
        return None
    target = re.split(r"[#?]", link, maxsplit=1)[0]
    return unquote(target) or None


# Every link this reads is written with one of these: a Markdown link or image (`](`, `][`, or `[name]` with its
# definition `[name]:`), an HTML tag (`<` and a letter). A page with none has no link: its tokens are not walked.
LINK_MARK = re.compile(r"\]\(|\]\[|\]:|<[A-Za-z]")


def written_links(doc: Document) -> list[tuple[str, int]]:
    """(link as written, offset in the source) of every link, image and raw-HTML `src`/`href` of a page."""
    out: list[tuple[str, int]] = []
    if not LINK_MARK.search(doc.source):
        return out
    for token in doc.tokens:
        if token.map is None:
            continue
        if token.type == "html_block":
            to_source = block_source(doc, token)
            out += [(value, to_source(at)) for value, at in html_links(token.content)]
        elif token.type == "inline":
            children = token.children or []
            if len(children) == 1 and children[0].type == "text":
                continue  # a line of plain prose (most of a book): no link
            start = doc.line_starts[token.map[0]]
            end = doc.line_starts[token.map[1]] if token.map[1] < len(doc.line_starts) else len(doc.source)
            cursor = start
            for child in children:
                if child.type == "html_inline":
                    at = doc.source.find(child.content, cursor, end)
                    base = at if at >= 0 else cursor
                    out += [(value, base + offset) for value, offset in html_links(child.content)]
                    cursor = base + len(child.content) if at >= 0 else cursor
                    continue
                href = child.attrGet("src") if child.type == "image" else \
                    child.attrGet("href") if child.type == "link_open" and child.markup != "autolink" else None
                if not href:
                    continue
                at, written = find_written(doc.source, href, cursor, end)
                out.append((written, at))
                cursor = at + len(written) if at >= 0 else cursor
    return out


def find_written(source: str, href: str, start: int, end: int) -> tuple[int, str]:
    """Where a link's target is written (markdown-it hands it back percent-encoded), and how."""
    for form in (href, unquote(href)):
        at = source.find("(" + form, start, end)
        if at >= 0:
            return at + 1, form
        at = source.find(form, start, end)
        if at >= 0:
            return at, form
    return start, unquote(href)


def html_links(content: str) -> list[tuple[str, int]]:
    """(value, offset) of each `src`/`href`-like attribute of the tags in raw HTML (comments skipped)."""
    out = []
    for tag in HTML_PIECE.finditer(content):
        if not tag["tag"] or tag["close"]:
            continue
        for m in HTML_ATTRIBUTE.finditer(tag["attrs"] or ""):
            if m["name"].lower() not in LINK_ATTRIBUTES:
                continue
            group = next((g for g in ("dq", "sq", "bare") if m[g] is not None), None)
            if group is None:
                continue
            value, at = m[group], tag.start("attrs") + m.start(group)
            if m["name"].lower() == "srcset":  # `a.png 1x, b.png 2x`: each candidate's URL
                for candidate in re.finditer(r"[^\s,]+(?:\s+[^\s,]+)?", value):
                    url = candidate[0].split()[0]
                    out.append((url, at + candidate.start()))
            else:
                out.append((value, at))
    return out


def manuscript_links(book: Book):
    """(source, its document, link as written, offset) of every link of the manuscript's readable pages."""
    for source in book.files:
        if source.problem is not None or not source.path.is_relative_to(book.repo.manuscript):
            continue
        doc = book.document(source)
        if doc is not None:
            for written, at in written_links(doc):
                yield source, doc, written, at


def check_links(book: Book) -> list[Finding]:
    """Local links of the manuscript's pages that reach no file, or leave the repository."""
    repo = book.repo
    root = repo.root.resolve()
    findings = []
    for source, doc, written, at in manuscript_links(book):
        target = local_target(written)
        if target is None:
            continue
        line, col = doc.position(max(0, min(at, len(doc.source))))
        path = Path(os.path.normpath(source.path.parent / target))
        if path.parent == repo.manuscript and path.name in GENERATED_PAGES:
            continue
        if not path.is_relative_to(root):
            findings.append(finding(source.shown, line, col, ERROR, "site-link:outside", link=written))
        elif not path.exists():
            findings.append(finding(source.shown, line, col, ERROR, "site-link:missing", link=written,
                                    path=rel(path, root)))
    return findings


EXPLICIT_ID = re.compile(r"\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")  # `## 标题 {#my-id}` (attr_list)


def slugifier():
    """The slug function of the site's headings: mkdocs.yml's `toc: slugify:` (pymdownx.slugs, lower case)."""
    from pymdownx.slugs import slugify
    return slugify(case="lower")


def anchors(doc: Document, slug) -> dict[str, str]:
    """Each anchor of a page (the id the site gives each heading) → the heading's text. Python-Markdown's toc makes a
    repeated slug unique with `_1`, `_2`, … in order."""
    found: dict[str, str] = {}
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        text = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
        explicit = EXPLICIT_ID.search(text)
        if explicit:
            found[explicit["id"]] = EXPLICIT_ID.sub("", text).strip()
            continue
        anchor = slug(text.strip(), "-")
        while anchor in found or not anchor:
            numbered = re.match(r"^(.*)_([0-9]+)$", anchor)
            anchor = f"{numbered[1]}_{int(numbered[2]) + 1}" if numbered else f"{anchor}_1"
        found[anchor] = text.strip()
    return found


def check_anchors(book: Book) -> list[Finding]:
    """Links to a heading (`ch05-batching.md#53-连续批处理迭代级调度`, `#本节`) that no heading of the page has, with
    the nearest real anchor. A page's anchors are its headings' slugs, as the site makes them."""
    repo = book.repo
    slug, pages, findings = None, {}, []
    for source, doc, written, at in manuscript_links(book):
        if "#" not in written or EXTERNAL.match(written):
            continue
        page, anchor = written.split("#", 1)
        if not page and LABEL_REFERENCE.match("#" + unquote(anchor)):
            continue  # [](#fig:…), [](#sec:4.3): numbered references, resolved by the figures check (ref-undefined)
        target = source.path if not page else Path(os.path.normpath(source.path.parent / unquote(page)))
        if not anchor or target.suffix != ".md" or not target.is_file() or not target.is_relative_to(repo.manuscript):
            continue
        if target not in pages:
            target_source = book.file(target)
            target_doc = book.document(target_source) if target_source.problem is None else None
            slug = slug or slugifier()
            pages[target] = anchors(target_doc, slug) if target_doc is not None else None
            labelled = book.labels.files.get(target.resolve())
            if pages[target] is not None and labelled is not None:  # a figure's or table's label is its id
                pages[target].update({d.name: d.caption for d in labelled.definitions})
        known = pages[target]
        anchor = unquote(anchor)
        if known is None or anchor in known:
            continue
        near = difflib.get_close_matches(anchor, list(known), n=1, cutoff=0.4)
        hint = say("site-link:anchor-near", near=near[0], heading=known[near[0]]) if near else ""
        line, col = doc.position(max(0, min(at, len(doc.source))))
        findings.append(finding(source.shown, line, col, ERROR, "site-link:anchor", link=written, anchor=anchor,
                                page=rel(target, repo.root), hint=hint))
    return findings


def outside_symlinks(repo: Repo) -> list[Finding]:
    """Symbolic links in the site's source folders that lead out of the repository (or nowhere): refused, so that
    nothing outside the repository is ever rendered or copied into the site."""
    root = repo.root.resolve()
    findings = []
    for folder in LINKED_FOLDERS:
        base = repo.root / folder
        if not base.is_dir():
            continue
        for parent, dirs, files in os.walk(base):
            dirs[:] = [d for d in dirs if d not in (".cache", ".ipynb_checkpoints", "__pycache__")]
            for name in sorted([*dirs, *files]):
                path = Path(parent) / name
                if not path.is_symlink():
                    continue
                target = Path(os.path.realpath(path))
                if not target.is_relative_to(root):
                    findings.append(finding(path.relative_to(repo.root).as_posix(), 1, 1, ERROR, "site-symlink",
                                            target=os.readlink(path)))
    return findings
