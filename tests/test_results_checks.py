"""Results bound to their code (`stale-result`) and to the prose that prints them (`results-mismatch`), in process."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from book.checks import results
from book.execution import keys
from book.reading.book import Book
from book.reading.repo import Repo
from conftest import ROOT


@pytest.fixture
def book(book_copy, monkeypatch) -> Path:
    monkeypatch.setenv("BOOK_LANG", "en")
    shutil.copytree(ROOT / "code" / "common", book_copy / "code" / "common",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "requirements.lock", book_copy / "requirements.lock")
    for path in (book_copy / "code" / "results").glob("*.json"):
        path.unlink()
    return book_copy


def record(root: Path, chapter: str, notebook: str, metrics: dict, keyed: bool = True, stem: str | None = None) -> Path:
    provenance = {"device": "cuda", "device_name": "NVIDIA H100", "torch": "2.11", "cuda": "13.0", "python": "3.12",
                  "scale": "full", "commit": "abc", "date": "2026-11-27T00:00:00+00:00"}
    if keyed:
        inputs = keys.notebook_inputs(root / "code" / chapter / notebook, "full", "cuda", root)
        provenance.update(inputs_key=inputs.key, inputs=inputs.inputs)
    doc = {"chapter": chapter, "notebook": notebook, "provenance": provenance, "config": {},
           "metrics": {name: {"value": v, "unit": u, "description": name} for name, (v, u) in metrics.items()}}
    path = root / "code" / "results" / f"{stem or chapter}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def stale(root: Path, strict: bool = False):
    return [f for f in results.check(Book(Repo(root)), strict, prose=False) if f.code == "stale-result"]


def test_results_without_a_key_are_stale_not_schema_errors(book):
    record(book, "ch05-batching", "continuous_batching.ipynb", {"throughput_gain": (1.65, "x")}, keyed=False)
    [finding] = stale(book)
    assert finding.severity == "warning" and "make gpu CHAPTERS=ch05" in finding.message
    assert finding.line == 4                                           # the provenance
    assert stale(book, strict=True)[0].severity == "error"


def test_a_changed_common_module_makes_exactly_its_importers_stale(book):
    record(book, "ch05-batching", "continuous_batching.ipynb", {"throughput_gain": (1.65, "x")})
    record(book, "ch02-gpu-hardware", "decode_roofline.ipynb", {"memory_bandwidth": (2987.5, "GB/s")})
    assert stale(book) == []
    batching = book / "code" / "common" / "batching.py"
    batching.write_text(batching.read_text(encoding="utf-8") + "\n# tuned\n", encoding="utf-8")
    [finding] = stale(book)
    assert finding.path == "code/results/ch05-batching.json"
    assert finding.message == ("code/common/batching.py changed since this result was measured: "
                               "re-run `make gpu CHAPTERS=ch05`")
    text = (book / finding.path).read_text(encoding="utf-8").splitlines()
    assert '"inputs_key"' in text[finding.line - 1]


def test_markdown_edit_in_the_notebook_keeps_results_fresh(book):
    record(book, "ch05-batching", "continuous_batching.ipynb", {"throughput_gain": (1.65, "x")})
    path = book / "code" / "ch05-batching" / "continuous_batching.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = ["完全改写的说明文字\n"]
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    assert stale(book) == []


def test_only_the_notebooks_importing_batching_change_key():
    """On the book's own notebooks: editing code/common/batching.py changes the keys of its importers only."""
    notebooks = sorted(ROOT.glob("code/ch*/*.ipynb"))
    importers = {nb.parent.name for nb in notebooks
                 if "code/common/batching.py" in keys.notebook_inputs(nb, "ci", "cpu", ROOT).inputs}
    assert importers == {"ch04-kv-cache", "ch05-batching", "ch08-production"}  # ch04: prefix_caching.ipynb (4.6)


def mismatches(root: Path, text: str) -> list:
    chapter = root / "manuscript" / "ch05-batching.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n" + text + "\n", encoding="utf-8")
    found = results.check(Book(Repo(root)), False)
    return [f for f in found if f.code == "results-mismatch" and f.path == "manuscript/ch05-batching.md"
            and f.line > len(chapter.read_text(encoding="utf-8").splitlines()) - 3]


def test_figures_citing_results_must_equal_a_value_as_printed(book):
    record(book, "ch05-batching", "continuous_batching.ipynb",
           {"throughput_gain": (1.6512, "x"), "slot_utilisation": (0.859, "ratio"), "weights": (5519851520, "bytes"),
            "p99_ttft": (0.0123, "s")})
    assert mismatches(book, "吞吐量为静态批处理的 1.65 倍，槽位利用率 85.9%，权重 5.52 GB，p99 首 token 12.3 ms [@results-ch05]。") == []
    [finding] = mismatches(book, "我们测得吞吐量提升了 1.70 倍 [@results-ch05]。")
    assert "'1.70倍'" in finding.message.replace(" ", "") or "1.70" in finding.message
    assert "throughput_gain = 1.6512" in finding.message
    line = (book / finding.path).read_text(encoding="utf-8").splitlines()[finding.line - 1]
    assert line[finding.col - 1:].startswith("1.70")


def test_a_figure_with_a_unit_matches_only_a_metric_of_that_quantity(book):
    """`2 GB` is no match for a ratio of 2.0, nor `2 ms` for 2 bytes: the units must measure the same thing."""
    record(book, "ch05-batching", "continuous_batching.ipynb",
           {"compiled_over_eager": (2.0, "x"), "kv_bytes": (2, "bytes"), "step": (0.002, "s")})
    [size] = mismatches(book, "拷贝 2 GB 的缓冲区 [@results-ch05]。")
    assert "2 GB" in size.message
    assert mismatches(book, "快 2.0 倍，每步 2 ms，每个 token 2 字节 [@results-ch05]。") == []


def test_a_percentage_or_a_multiplier_matches_only_a_ratio(book):
    """`5%` is no match for 5 ms, nor `3 倍` for 3 prompts: a percentage prints a ratio (or a metric in %), a
    multiplier a ratio; a plain count may print any metric."""
    record(book, "ch05-batching", "continuous_batching.ipynb",
           {"step": (5.0, "ms"), "prompts": (3, "prompts"), "hit_rate": (0.805, "ratio"), "gain": (2.34, "x"),
            "share": (12.5, "%")})
    found = mismatches(book, "只有 5% 的请求超时，快了 3 倍 [@results-ch05]。")
    assert sorted(re.match(r"\W(.+?)\W cites", f.message)[1] for f in found) == ["3 倍", "5%"], found
    assert mismatches(book, "命中率 80.5%，快 2.34 倍，占 12.5%，共 3 个提示 [@results-ch05]。") == []


def test_each_end_of_a_range_must_be_a_metric(book):
    """`1.63～1.90 倍` prints two multipliers: the second end is held to the results as the first is."""
    record(book, "ch05-batching", "continuous_batching.ipynb", {"low": (1.63, "x"), "high": (1.9, "x"), "ms": (1.8, "ms")})
    assert mismatches(book, "快 1.63～1.90 倍，也可写作 1.63-1.9 倍 [@results-ch05]。") == []
    [finding] = mismatches(book, "快 1.63～1.80 倍 [@results-ch05]。")  # 1.8 is a time, not a multiplier
    assert "1.63" in finding.message and "high = 1.9" in finding.message


def test_a_plain_decimal_beside_a_results_citation_is_a_measurement_too(book):
    """`α 为 0.710` is no claim (no unit), but printed beside a results citation it must still be a metric: a stale one
    was missed. A section (`8.4.3 节`) is not a figure; a sentence that explains a constant with `no-cite` is left."""
    record(book, "ch05-batching", "continuous_batching.ipynb", {"alpha": (0.724, "ratio"), "tokens": (2.903, "tokens")})
    assert mismatches(book, "α 为 0.724，每次检查 2.903 个 token，见 8.4.3 节与 2.3 节 [@results-ch05]。") == []
    found = mismatches(book, "α 为 0.710，每次检查 2.828 个 token [@results-ch05]。")
    assert [re.match(r"\W(.+?)\W cites", f.message)[1] for f in found] == ["0.710", "2.828"]
    assert mismatches(book, "卡方的 0.999 分位数为 20.52 [@results-ch05]<!-- no-cite: 分位点，不是测量 -->。") == []


def test_a_figure_is_held_to_the_citation_that_follows_it(book):
    record(book, "ch05-batching", "continuous_batching.ipynb", {"throughput_gain": (1.6512, "x")})
    text = "文献报告提升 3-10 倍 [@ark-big-ideas-2026, p. 3]，我们实测为 1.65 倍 [@results-ch05]。"
    assert mismatches(book, text) == []


def test_figures_with_chinese_magnitudes_are_read_by_the_one_number_reader(book):
    """`1.4 万亿` is 1.4e12 (not 14,000) and `三百万` 3,000,000 (not nothing), as source verification reads them."""
    record(book, "ch05-batching", "continuous_batching.ipynb",
           {"tokens_served": (1.4e12, "tokens"), "requests": (3.0e6, "requests")})
    assert mismatches(book, "全年共生成 1.4 万亿个 token，处理三百万次请求 [@results-ch05]。") == []
    found = mismatches(book, "全年共生成 2.1 万亿个 token，处理五百万次请求 [@results-ch05]。")
    assert len(found) == 2, found


def test_a_chapter_with_two_notebooks_keeps_two_results_files_apart(book):
    """results-ch05 names the chapter's own file; a second notebook's file has its stem and its own key, by name or
    through the registry, and each figure is held to the file its citation names."""
    second = book / "code" / "ch05-batching" / "chunked_prefill.ipynb"
    shutil.copy2(book / "code" / "ch05-batching" / "continuous_batching.ipynb", second)
    record(book, "ch05-batching", "continuous_batching.ipynb", {"throughput_gain": (1.65, "x")})
    record(book, "ch05-batching", "chunked_prefill.ipynb", {"stall_ratio": (4.2, "x")}, stem="ch05-chunked-prefill")
    registry = (book / "manuscript" / "sources.yaml").read_text(encoding="utf-8")
    assert "results-ch05-chunked:\n" in registry and "path: code/results/ch05-chunked-prefill.json\n" in registry
    assert stale(book) == []
    assert mismatches(book, "连续批处理快 1.65 倍 [@results-ch05]，分块后停顿缩短 4.2 倍 [@results-ch05-chunked]。") == []
    [finding] = mismatches(book, "分块后停顿缩短 1.65 倍 [@results-ch05-chunked]。")
    assert "code/results/ch05-chunked-prefill.json" in finding.message and "stall_ratio = 4.2" in finding.message
    [finding] = mismatches(book, "连续批处理快 4.2 倍 [@results-ch05]。")
    assert "code/results/ch05-batching.json" in finding.message
