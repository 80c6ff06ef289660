"""MkDocs hooks: the site's navigation from the TOC, notebooks from code/, citations as links, generated pages.

Kept thin on purpose: the book's knowledge lives in the `book` package (toc, claims, todo); this module only maps it
onto MkDocs events, so that moving to another site generator means rewriting this one file.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # MkDocs loads hooks by path, not as a package

from book import claims_run, site_pages, todo, toc_run  # noqa: E402
from book.claims_rules import CANONICAL_CITATION, CITATION_ITEM, LOCATOR, free_form_citation  # noqa: E402
from book.repo import find_repo  # noqa: E402
from book.sources import fold, load  # noqa: E402

REPO = find_repo(Path(__file__).resolve().parent)
GENERATED = {"references.md": "参考来源", "claims.md": "数据声明", "todo.md": "待办数据项"}
CODE_LINK = re.compile(r"\]\(\.\./code/")
FENCE = re.compile(r"^(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE_MATH = re.compile(r"\\\((.+?)\\\)")
DISPLAY_MATH = re.compile(r"\\\[(.+?)\\\]", re.S)
MATHJAX_SCRIPT = re.compile(r"<!-- Load mathjax -->.*?</script>\s*<!-- End of mathjax configuration -->", re.S)

state: dict = {}


def draft() -> bool:
    return os.environ.get("DRAFT", "") not in ("", "0")


def on_config(config):
    findings, models = toc_run.run(REPO, [])
    errors = [f for f in findings if f.severity == "error"]
    if errors or models[0] is None:
        raise PluginError("the TOC has errors; run `book toc`:\n" + "\n".join(f.render() for f in errors[:20]))
    result = claims_run.run(REPO, [], keep_documents=draft())  # a draft's TODO page reads the documents too
    registry = load(REPO)
    state.update(model=models[0], claims=result.claims, registry=registry,
                 free_form=free_form_citation(registry.aliases()), aliases=registry.alias_map(),
                 todo=todo.collect(REPO, result=result)[0] if draft() else [], notebooks=REPO.notebooks())
    config["nav"] = navigation(models[0], state["notebooks"])
    return config


def navigation(model: dict, notebooks: list[Path]) -> list:
    """Parts as sections, chapters in TOC order; planned chapters without a file are left out."""
    nav: list = [{"首页": "index.md"}]
    for part in model["parts"]:
        entries = []
        for chapter in part["chapters"]:
            if not chapter["file"]:
                continue
            label = f"第{chapter['number']}章" if chapter["kind"] == "chapter" else f"附录{chapter['number']}"
            entries.append({f"{label} {chapter['title']}": Path(chapter["file"]).name})
        if entries:
            title = part["title"] if part["kind"] == "appendices" else f"第{'一二三四五六七八九十'[part['number'] - 1]}部分 {part['title']}"
            nav.append({title: entries})
    nav.append({"代码示例": [{notebook_title(p): notebook_uri(p)} for p in notebooks]})
    nav.append({"参考来源": "references.md"})
    nav.append({"数据声明": "claims.md"})
    if draft():
        nav.append({"待办数据项": "todo.md"})
    return nav


def notebook_uri(path: Path) -> str:
    return path.relative_to(REPO.root).as_posix()  # code/chNN-slug/name.ipynb


def notebook_title(path: Path) -> str:
    number = int(path.parent.name[2:4])
    return f"第{number}章 {path.stem.replace('_', ' ')}"


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into notebook pages
def on_files(files, config):
    for path in state["notebooks"]:
        files.append(File(notebook_uri(path), str(REPO.root), config["site_dir"], config["use_directory_urls"]))
    pages = {"references.md": site_pages.references(state["registry"], state["claims"]),
             "claims.md": site_pages.claims_ledger(state["claims"], state["registry"])}
    if draft():
        pages["todo.md"] = site_pages.todo_page(state["todo"])
    for name, content in pages.items():
        files.append(File.generated(config, name, content=content))
    return files


def on_page_markdown(markdown: str, page, config, files):
    if page.file.src_uri in GENERATED:
        return markdown
    out, fenced = [], False
    for line in markdown.split("\n"):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            out.append(line)
            continue
        out.append(line if fenced else render_line(line))
    text = "\n".join(out)
    return DISPLAY_MATH.sub(lambda m: math_block(m[1]), text)


def render_line(line: str) -> str:
    """Citations become links to the references page, `../code/` links point into the site, math becomes MathML.
    Inline code is left exactly as written."""
    pieces, at = [], 0
    for m in INLINE_CODE.finditer(line):
        pieces += [render_prose(line[at:m.start()]), m[0]]
        at = m.end()
    pieces.append(render_prose(line[at:]))
    return "".join(pieces)


def render_prose(text: str) -> str:
    text = CODE_LINK.sub("](code/", text)
    text = CANONICAL_CITATION.sub(canonical, text)
    text = state["free_form"].sub(free_form, text)
    return INLINE_MATH.sub(lambda m: math_inline(m[1]), text)


def cite_link(key: str | None, page: str | None) -> str:
    source = state["registry"].sources.get(key or "")
    if source is None:
        return ""
    name = source.get("short", source["title"])
    if page in ("?", "？"):
        marker = '<span class="pending-citation" title="页码待核实">页码待补</span>' if draft() else ""
        where = f"，{marker}" if marker else ""
    elif page:
        where = f"，第 {page} 页"
    else:
        where = ""
    return f'[{name}{where}](references.md#{key}){{.citation}}'


def canonical(m: re.Match) -> str:
    links = []
    for item in m["body"].split(";"):
        parsed = CITATION_ITEM.match(item)
        if not parsed:
            return m[0]
        page = None
        if parsed["locator"]:
            loc = LOCATOR.match(parsed["locator"])
            page = loc["page"] if loc else None
        links.append(cite_link(parsed["key"], page))
    return "（" + "；".join(filter(None, links)) + "）" if any(links) else m[0]


def free_form(m: re.Match) -> str:
    key = state["aliases"].get(fold(m["alias"] or m["name"] or ""))
    if key is None:
        return m[0]
    return "（" + cite_link(key, m["page"]) + "）"


def math_inline(tex: str) -> str:
    from latex2mathml.converter import convert
    return convert(tex.strip())


def math_block(tex: str) -> str:
    from latex2mathml.converter import convert
    return "\n" + convert(tex.strip(), display="block") + "\n"


def on_post_page(output: str, page, config):
    """Notebook pages: drop the MathJax loader mkdocs-jupyter adds from a CDN. The notebooks hold no math, the site
    must work offline, and MathJax would read `$0.25 … $0.01` in an output as a formula."""
    if page.file.src_uri.endswith(".ipynb"):
        return MATHJAX_SCRIPT.sub("", output)
    return output
