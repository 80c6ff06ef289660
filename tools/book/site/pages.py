"""Generated pages of the site: the references (参考来源), the claims ledger (数据声明) and, in drafts, the TODO page."""
from __future__ import annotations

from collections import defaultdict

from ..checks.claims import Claim
from ..checks.todo import Item, markdown_report
from ..reading.sources import Registry

MANUSCRIPT = "manuscript/"


def where(path: str, line: int) -> str:
    """A link to the page of a manuscript file (TOC and proposal files are not pages: shown as text)."""
    if path.startswith(MANUSCRIPT):
        page = path[len(MANUSCRIPT):]
        return f"[{page}:{line}]({page})"
    return f"`{path}:{line}`"


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def references(registry: Registry, claims: list[Claim]) -> str:
    cited: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for claim in claims:
        for c in claim.citations:
            cited[c.key][c.page or "—"].add((claim.path, claim.line))
    out = ["# 参考来源", "", "书中引用的全部来源，以及每个页码在书中被引用的位置。", ""]
    for key, src in registry.sources.items():
        out += [f"## {src['title']} {{#{key}}}", ""]
        facts = [src.get("author"), src.get("publisher"), str(src.get("year", "")) or None]
        out.append("，".join(f for f in facts if f) + "。")
        if src.get("url"):
            out.append(f"<{src['url']}>")
        if src.get("path"):
            out.append(f"本书配套代码的实测记录：`{src['path']}`。")
        out.append("")
        if key not in cited:
            out += ["书中尚未引用。", ""]
            continue
        out += ["| 页码 | 引用位置 |", "|---|---|"]
        for page in sorted(cited[key], key=lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p)):
            shown = "待核实" if page in ("?", "？") else page
            places = "，".join(where(p, line) for p, line in sorted(cited[key][page]))
            out.append(f"| {shown} | {places} |")
        out.append("")
    return "\n".join(out)


STATUS = {"cited": "已引用", "pending": "页码待补", "no-cite": "作者计算或建议", "todo": "来源待查", "uncited": "缺少来源"}


def claims_ledger(claims: list[Claim], registry: Registry) -> str:
    out = ["# 数据声明", "",
           f"书中共有 {len(claims)} 处数据声明。每一处都列出它所在的句子、来源与页码，供核对事实之用。", "",
           "| 位置 | 数据 | 来源 | 状态 | 句子 |", "|---|---|---|---|---|"]
    for claim in claims:
        sources = "；".join(f"[{registry.sources[c.key]['title']}](references.md#{c.key})"
                           + (f"，第 {c.page} 页" if c.page and not c.pending else "")
                           for c in claim.citations if c.key in registry.sources)
        if claim.status == "no-cite":
            sources = cell(claim.no_cite or "")
        sentence = claim.sentence if len(claim.sentence) <= 80 else claim.sentence[:79] + "…"
        out.append(f"| {where(claim.path, claim.line)} | {cell(claim.figure)} | {sources or '—'} | "
                   f"{STATUS[claim.status]} | {cell(sentence)} |")
    return "\n".join(out) + "\n"


def todo_page(items: list[Item]) -> str:
    return "# 待办数据项\n\n草稿版才有这一页：发布版构建时，未完成的数据项不会出现在网站上。\n\n" + markdown_report(items)
