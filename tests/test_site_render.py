"""A page and a notebook as the site shows them, in-process on fixtures: numbered citations with the chapter's list,
brief measurement citations, drafts and links the release leaves out, notebook pages from the stored run."""
from __future__ import annotations

import json
from pathlib import Path

from book.execution import keys
from book.reading.citations import Citations
from book.reading.sources import Registry
from book.site import notebooks
from book.site.drafts import marked_drafts, unlinked
from book.site.render import Measurement, Renderer, join_cjk_breaks

REGISTRY = Registry(sources={
    "kwon": {"title": "PagedAttention", "author": "Woosuk Kwon et al.", "publisher": "SOSP 2023", "year": 2023,
             "paged": True, "aliases": ["vLLM 论文"]},
    "ark": {"title": "Big Ideas 2026", "publisher": "ARK Invest", "year": 2026, "paged": True},
    "results-ch04": {"title": "第4章实测", "path": "code/results/ch04-kv-cache.json", "paged": False},
})


def renderer(draft: bool = False) -> Renderer:
    return Renderer(REGISTRY, Citations(REGISTRY), draft,
                    {"results-ch04": Measurement("H200", 4, "code/ch04-kv-cache/kv_cache.ipynb")})


def test_citations_are_numbered_per_chapter_with_pages_and_a_list():
    page = renderer().page("浪费 60% [@kwon, p. 3]，又见 20 倍（来源：vLLM 论文第 5 页）与 99% [@ark, p. 20]；"
                           "再次 [@kwon, p. 3]。\n", chapter=4)
    body, _, listing = page.partition("## 参考文献")
    assert body.count('href="#ref-1"') == 3 and body.count('href="#ref-2"') == 1
    assert "60%<sup" in body and " <sup" not in body  # no space before the citation
    assert ">[1]</a>3</sup>" in body and ">[1]</a>5</sup>" in body
    assert "PagedAttention" not in body.replace('title="', "\x00").split("\x00")[0]  # the title is never inline
    assert '<li id="ref-1" value="1">[1] KWON W, et al. PagedAttention[C]//SOSP 2023. 2023: 3, 5.</li>' in listing
    assert '<li id="ref-2" value="2">[2] ARK Invest. Big Ideas 2026[R]. 2026: 20.</li>' in listing
    assert renderer().page("第二章重新编号 [@ark, p. 1]。\n").count('href="#ref-1"') == 1  # each page starts at 1


def test_measurements_cite_once_per_paragraph_and_name_the_chapter():
    page = renderer().page("一步 1.5 ms [@results-ch04]，另一步 2.2 ms [@results-ch04]。\n\n第二段 3 ms [@results-ch04]。\n",
                           chapter=4)
    assert page.count("H200 实测，见本章代码示例") == 2  # once in each paragraph
    assert "（[H200 实测，见本章代码示例](code/ch04-kv-cache/kv_cache.ipynb){.measurement}）" in page
    assert "另一步 2.2 ms。" in page  # the repeat is dropped with the space before it
    assert "见第4章代码示例" in renderer().page("吞吐 1.65 倍 [@results-ch04]。\n", chapter=1)
    assert "参考文献" not in page  # measurements are not numbered


def test_pending_pages_are_marked_in_the_draft_only_and_bad_citations_stay():
    text = "规模 2030 年 [@ark, p. ?]。\n"
    assert "页码待补" in renderer(draft=True).page(text) and "页码待补" not in renderer().page(text)
    assert "[@nobody, p. 3]" in renderer().page("未知来源 5 倍 [@nobody, p. 3]。\n")


def test_line_breaks_between_chinese_and_before_citations_are_joined():
    page = renderer().page("第一行中文\n第二行中文，\nKV Cache 接着写\n[@kwon, p. 2]。\n")
    assert "第一行中文第二行中文，KV Cache 接着写<sup" in page
    assert join_cjk_breaks("甲\n乙\n\n```\n丙\n丁\n```\n") == "甲乙\n\n```\n丙\n丁\n```\n"  # code stays


def test_links_to_what_the_release_leaves_out_become_text(tmp_path):
    page = tmp_path / "index.md"
    text = "见[数据声明](claims.md)、[第9章](ch09-x.md)和[第4章](ch04-y.md#46-prefix)，[第1章](ch01.md)。\n![图](a.png)\n"
    gone = {("claims.md", ""), ("ch09-x.md", ""), ("ch04-y.md", "46-prefix")}
    shown = unlinked(text, page, lambda path, anchor: (path.name, anchor) in gone)
    assert shown == "见数据声明、第9章和第4章，[第1章](ch01.md)。\n![图](a.png)\n"


def test_the_draft_site_boxes_draft_markers():
    text = "# 第9章 标题\n\n!!! draft\n\n## 9.1 节\n\n!!! draft\n    作者备注\n"
    shown = marked_drafts(text)
    assert '!!! warning "草稿：发布版不包含这一章"' in shown and '!!! warning "草稿：发布版不包含这一节"' in shown
    assert "    作者备注" in shown


# ---------------------------------------------------------------------------------------------------- notebook pages

def cell(kind: str, source: str, outputs=None, tags=None) -> dict:
    c = {"cell_type": kind, "metadata": {"tags": tags} if tags else {}, "source": source}
    if kind == "code":
        c.update(outputs=outputs or [], execution_count=1)
    return c


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with one chapter notebook, its ci outputs, and the results file of its full-size run."""
    nb = tmp_path / "code/ch04-kv-cache/kv_cache.ipynb"
    nb.parent.mkdir(parents=True)
    (tmp_path / "requirements.lock").write_text("torch==2.13.0\n", encoding="utf-8")
    nb.write_text(json.dumps({"cells": [
        cell("markdown", "# 第4章 代码示例：KV Cache\n\n先确认输出\n一致。"),
        cell("code", "print('setup')", [stream("device=cpu scale=ci\n")], ["hide-input", "nbval-ignore-output"]),
        cell("code", "train()", [stream("".join(f"step {k}/120 loss 5.{k}\n" for k in range(6)))]),
        cell("code", "import torch\nprint(speedup)", [stream("speedup 0.35x\n")], ["nbval-ignore-output"]),
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    results = tmp_path / "code/results/ch04-kv-cache.json"
    results.parent.mkdir(parents=True)
    results.write_text(json.dumps({"chapter": "ch04-kv-cache", "notebook": "kv_cache.ipynb", "provenance": {
        "device": "cuda", "device_name": "NVIDIA H200", "commit": "abcdef0123456789", "date": "2026-12-01T10:00:00+00:00",
        "scale": "full"}}), encoding="utf-8")
    return tmp_path, nb


def store_run(root: Path, nb: Path) -> Path:
    inputs = keys.notebook_inputs(nb, "full", "cuda", root)
    run = json.loads(nb.read_text(encoding="utf-8"))
    run["cells"][3]["outputs"] = [stream("speedup 2.37x\n")]
    run["metadata"]["book"] = {"inputs_key": inputs.key, "inputs": inputs.inputs}
    stored = root / "code/results/ch04-kv-cache.ipynb"
    stored.write_text(json.dumps(run), encoding="utf-8")
    return stored


def texts(nb: dict) -> str:
    return json.dumps(nb, ensure_ascii=False)


def test_release_shows_the_stored_full_size_run_under_its_line(tmp_path):
    root, nb = notebook_repo(tmp_path)
    store_run(root, nb)
    shown = notebooks.prepared(root, nb, draft=False)
    assert "speedup 2.37x" in texts(shown) and "0.35x" not in texts(shown)
    assert shown["cells"][0]["source"] == "# 第4章 代码示例：KV Cache"
    assert "全尺寸（full）运行：NVIDIA H200，代码提交 abcdef0，2026-12-01" in shown["cells"][1]["source"]
    assert "已改变" not in texts(shown)  # not stale: no second line
    assert shown["cells"][2]["source"] == "先确认输出一致。"  # the Chinese line break joined
    assert all(c["metadata"].get("tags", []) in ([], ["hide-input"]) for c in shown["cells"])  # no nbval tags


def test_a_stale_stored_run_is_still_shown_naming_what_changed(tmp_path):
    root, nb = notebook_repo(tmp_path)
    store_run(root, nb)
    (root / "requirements.lock").write_text("torch==2.14.0\n", encoding="utf-8")
    shown = notebooks.prepared(root, nb, draft=False)
    assert "speedup 2.37x" in texts(shown)
    assert "这次运行之后，torch 的版本已改变" in texts(shown)


def test_the_stored_run_as_make_gpu_keeps_it_reads_its_inputs_from_the_results_file(tmp_path):
    root, nb = notebook_repo(tmp_path)
    stored = store_run(root, nb)
    inputs = keys.notebook_inputs(nb, "full", "cuda", root)
    run = json.loads(stored.read_text(encoding="utf-8"))
    run["metadata"]["book"] = {"inputs_key": inputs.key, "results": "ch04-kv-cache.json", "scale": "full",
                               "device": "cuda", "commit": "abcdef0123456789"}  # what `make gpu` writes
    stored.write_text(json.dumps(run), encoding="utf-8")
    results = root / "code/results/ch04-kv-cache.json"
    data = json.loads(results.read_text(encoding="utf-8"))
    data["provenance"].update(inputs_key=inputs.key, inputs=inputs.inputs)
    results.write_text(json.dumps(data), encoding="utf-8")
    assert "已改变" not in texts(notebooks.prepared(root, nb, draft=False))
    (root / "requirements.lock").write_text("torch==2.14.0\n", encoding="utf-8")
    assert "这次运行之后，torch 的版本已改变" in texts(notebooks.prepared(root, nb, draft=False))


def test_without_a_stored_run_the_release_shows_code_and_prose_only(tmp_path):
    root, nb = notebook_repo(tmp_path)
    shown = notebooks.prepared(root, nb, draft=False)
    assert notebooks.NO_RUN_LINE in texts(shown)
    assert all(not c.get("outputs") for c in shown["cells"]) and "print('setup')" not in texts(shown)
    draft = notebooks.prepared(root, nb, draft=True)
    assert notebooks.CI_LINE in texts(draft) and "speedup 0.35x" in texts(draft)  # ci outputs, labelled


def test_training_logs_are_folded(tmp_path):
    root, nb = notebook_repo(tmp_path)
    draft = notebooks.prepared(root, nb, draft=True)
    log = next(c for c in draft["cells"] if c.get("source") == "train()")["outputs"][0]
    assert log["output_type"] == "display_data"
    assert log["data"]["text/html"].startswith('<details class="training-log"><summary>训练过程（6 行输出')
    assert notebooks.notebook_title(nb) == "KV Cache"
