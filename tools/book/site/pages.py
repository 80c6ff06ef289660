"""Generated pages of the site: the references (参考来源), the errata page (勘误) and, in drafts, the claims ledger
(数据声明) and the TODO page."""
from __future__ import annotations

from ..checks.claims import Claim
from ..checks.todo import Item, markdown_report
from ..reading.bibliography import gbt7714, is_measurement, page_order
from ..reading.sources import Registry
from ..reading.toc import Toc

MANUSCRIPT = "manuscript/"


def where(path: str, line: int) -> str:
    """A link to the page of a manuscript file (TOC and proposal files are not pages: shown as text)."""
    if path.startswith(MANUSCRIPT):
        page = path[len(MANUSCRIPT):]
        return f"[{page}:{line}]({page})"
    return f"`{path}:{line}`"


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def page_labels(toc: Toc) -> dict[str, str]:
    """Each chapter file (as the site names its page) → `第4章`, `附录C`."""
    return {c.path.name: c.label for c in toc.chapters if c.path is not None}


def references(registry: Registry, cited: dict[str, dict[str, list[str]]], draft: bool, toc: Toc,
               measurements: dict) -> str:
    """Every source the published pages cite (a source counts as cited when any page cites it), in GB/T 7714 form,
    with the chapters that cite it and the pages they cite; then the book's own measurements. The draft site also
    lists the registered sources no page cites."""
    labels = page_labels(toc)
    literature = [k for k, s in registry.sources.items() if not is_measurement(s)]
    out = ["# 参考来源", "",
           "书中引用的全部文献，按 GB/T 7714—2015 著录，并注明引用它的章节和所引的页码。"
           "各章正文中的上标序号指向该章末尾的参考文献。", ""]
    for key in sorted((k for k in literature if k in cited), key=lambda k: gbt7714(registry.sources[k]).casefold()):
        src = registry.sources[key]
        places = []
        for page, cited_pages in sorted(cited[key].items(), key=lambda item: order_of(item[0], labels)):
            label = labels.get(page, "首页" if page == "index.md" else page)
            shown = "、".join(sorted((p for p in cited_pages if p != "?"), key=page_order))
            places.append(f"[{label}]({page}#references)" + (f"（第 {shown} 页）" if shown else ""))
        out += [f'<div class="reference" id="{key}" markdown>', "", entry(src), "",
                "引用于：" + "；".join(places) + "。", "", "</div>", ""]
    measured = [k for k, s in registry.sources.items() if is_measurement(s) and (draft or k in cited)]
    if measured:
        out += ["## 本书的实测", "", "书中标注“实测”的数字来自本书配套代码在 GPU 上的全尺寸运行，记录在结果文件中。", ""]
        for key in measured:
            src, m = registry.sources[key], measurements.get(key)
            facts = [f"**{cell(src['title'])}**：结果文件 `{src['path']}`"]
            if m is not None and m.device:
                facts.append(f"测量设备 {m.device}")
            if m is not None and m.page:
                facts.append(f"[代码示例]({m.page})")
            out += [f'<div class="reference" id="{key}" markdown>', "", "，".join(facts) + "。", "", "</div>", ""]
    if draft:
        uncited = [k for k in literature if k not in cited]
        if uncited:
            out += ["## 登记但未引用的来源", "", "草稿版才有这一节：`manuscript/sources.yaml` 中登记了、但正文还没有引用的来源。", ""]
            for k in uncited:
                out += [f'<div class="reference" id="{k}" markdown>', "", f"`{k}`：{entry(registry.sources[k])}", "",
                        "</div>", ""]
    return "\n".join(out)


def order_of(page: str, labels: dict[str, str]) -> tuple:
    names = list(labels)
    return (names.index(page) if page in names else -1 if page == "index.md" else len(names), page)


def entry(source: dict) -> str:
    text = cell(gbt7714(source))
    url = source.get("url")
    return text.replace(url, f"<{url}>") if url else text


def errata(url: str) -> str:
    where = f"请在本书的问题跟踪页面提交：<{url}>。" if url else "请通过本书仓库的问题跟踪（issue）提交。"
    return "\n".join([
        "# 勘误", "",
        "书中的数字、引用、代码和文字如有错误，欢迎指出。" + where, "",
        "提交时请写明：", "",
        "- 页面的地址，或章节号（例如 4.3 节）；",
        "- 出错的原文，以及你认为正确的写法和依据；",
        "- 页面底部的版本行（构建日期与提交号），它说明你读的是哪一版。", "",
        "确认的勘误会在下一版中改正，并在这里列出。", "",
    ])


STATUS = {"cited": "已引用", "pending": "页码待补", "no-cite": "作者计算或建议", "todo": "来源待查", "uncited": "缺少来源"}


def claims_ledger(claims: list[Claim], registry: Registry) -> str:
    out = ["# 数据声明", "",
           f"草稿版才有这一页。书中共有 {len(claims)} 处数据声明，每一处都列出它所在的句子、来源与页码，供核对事实之用。", "",
           "| 位置 | 数据 | 来源 | 状态 | 句子 |", "|---|---|---|---|---|"]
    for claim in claims:
        sources = "；".join(f"[{registry.sources[c.key].get('short') or c.key}](references.md#{c.key})"
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
