"""`book claims`: the labelled examples of SPEC §5, the book itself, the ledger, and bad input."""
from __future__ import annotations

import json
import re
import sys

import pytest
import yaml

from conftest import ROOT, edit, run_book

EXAMPLES = [(name, case) for name in ("claims-examples.yaml", "claims-more.yaml")
            for case in yaml.safe_load((ROOT / "tests/data" / name).read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def checker():
    """The checker in-process (the labelled sets are many small files)."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from book import claims_run
    from book.repo import Repo
    return lambda path, strict=False: claims_run.run(Repo(ROOT), [path], strict=strict)


@pytest.mark.parametrize("name,case", EXAMPLES, ids=[f"{n}:{c['text'][:24]!r}" for n, c in EXAMPLES])
def test_labelled_example(checker, tmp_path, name, case):
    path = tmp_path / "snippet.md"
    path.write_text(case["text"], encoding="utf-8")
    result = checker(path)
    errors = sorted({f.line for f in result.findings if f.severity == "error"})
    pending = sorted({f.line for f in result.findings if f.code == "pending-citation"})
    assert errors == case["errors"], [f.render() for f in result.findings]
    assert pending == case.get("todo", []), [f.render() for f in result.findings]


def test_uncited_claim_points_at_the_figure(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("第一句没有数字。\n\n成本在一年内下降了 ９９％，需求随之上升。\n", encoding="utf-8")
    run = run_book("claims", str(path))
    assert run.code == 1
    [finding] = run.lines("uncited-claim")
    assert finding.split(": error")[0].endswith(":3:11")  # col counts code points: the full-width ９ is column 11
    assert "'99%'" in finding


def test_citation_problems_are_located(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("成本 $1 [@nope, p. 3]。\n成本 $2 [@ark-big-ideas-2026, p. -4]。\n"
                    "成本 $3 [@ark-big-ideas-2026, page]。\n成本 $4 [@ark-big-ideas-2026]。\n", encoding="utf-8")
    run = run_book("claims", str(path))
    assert run.code == 1
    codes = {int(l.split(":")[1]): l.split()[2] for l in run.lines() if ": error " in l}
    assert codes == {1: "unknown-source", 2: "bad-page", 3: "bad-page", 4: "missing-page"}, run.out
    assert f"{path.as_posix()}:1:9:" in run.out  # the column of the key


def test_pending_citation_is_an_error_under_strict(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("市场规模预计 $500B [@ark-big-ideas-2026, p. ?]。\n", encoding="utf-8")
    assert run_book("claims", str(path)).code == 0
    strict = run_book("claims", str(path), env={"STRICT": "1"})
    assert strict.code == 1 and strict.lines("pending-citation")[0].split()[1] == "error"


def test_the_book_passes_and_chapter_one_has_a_ledger():
    run = run_book("claims", "--format", "json")
    assert run.code == 0, run.out
    doc = run.json()
    assert doc["summary"]["errors"] == 0
    ch1 = [c for c in doc["claims"] if c["path"] == "manuscript/ch01-cost-revolution.md"]
    assert len(ch1) >= 20
    assert {"path", "line", "col", "figure", "kind", "sentence", "status", "citations"} <= set(ch1[0])
    assert not [c for c in doc["claims"] if c["status"] == "uncited"]
    cited_ark_pages = {c["page"] for claim in doc["claims"] for c in claim["citations"]
                       if c["key"] == "ark-big-ideas-2026"}
    assert cited_ark_pages <= {"6", "20", "?"}  # only the pages the plan gives; the rest are pending


def measured_numbers(metrics: dict) -> set[str]:
    """Every way the prose may print a recorded value: as stored, as a percentage, in GB, or as a ratio of two."""
    values = [v["value"] for v in metrics.values() if isinstance(v["value"], (int, float))
              and not isinstance(v["value"], bool)]
    shown = set()
    for v in values:
        shown |= {str(v), f"{v:.1%}", f"{v:.0%}", f"{v / 1e9:.2f}", f"{v:.1f}"}
        for w in values:
            if w:
                shown |= {f"{v / w:.0%}", f"{v / w:.1f}", f"{v / w:.2f}", f"{v / w - 1:.2%}"}
    return {n for text in shown for n in re.findall(r"\d+(?:\.\d+)?", text)}


def test_every_cited_results_figure_is_in_its_results_file():
    """The book's own measurements: a figure cited only to results files is one of their recorded values."""
    doc = run_book("claims", "--format", "json").json()
    sources = yaml.safe_load((ROOT / "manuscript/sources.yaml").read_text(encoding="utf-8"))
    checked = 0
    for claim in doc["claims"]:
        keys = {c["key"] for c in claim["citations"]}
        if not keys or not all(k.startswith("results-") for k in keys):
            continue
        numbers = set()
        for key in keys:
            numbers |= measured_numbers(json.loads((ROOT / sources[key]["path"]).read_text(encoding="utf-8"))["metrics"])
        for number in re.findall(r"\d+(?:\.\d+)?", claim["figure"].replace(",", "")):
            checked += 1
            assert number in numbers, (claim["figure"], claim["path"], claim["line"])
    assert checked >= 20


@pytest.mark.parametrize("problem,text,code", [
    ("unknown key", "ark-big-ideas-2026:\n  title: Big Ideas 2026\n  paged: true\n  editor: someone\n", "source-registry"),
    ("invalid YAML", "ark-big-ideas-2026:\n  title: [Big Ideas\n", "source-registry"),
])
def test_bad_registry_is_located(book_copy, problem, text, code):
    (book_copy / "manuscript/sources.yaml").write_text(text, encoding="utf-8")
    run = run_book("claims", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines(code)
    assert finding.startswith("manuscript/sources.yaml:") and int(finding.split(":")[1]) >= 2, finding


def test_non_utf8_chapter_is_located(book_copy):
    chapter = book_copy / "manuscript/ch03-environment.md"
    chapter.write_bytes(chapter.read_bytes().replace("本章".encode(), b"\xb1\xbe\xd5\xc2", 1))
    run = run_book("claims", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("claims-read")
    assert finding.startswith("manuscript/ch03-environment.md:") and "UTF-8" in finding


def test_paths_outside_the_repo_use_the_repos_registry(tmp_path):
    path = tmp_path / "draft.md"
    path.write_text("单次咨询 $0.20（来源：ARK报告第6页）。\n", encoding="utf-8")
    run = run_book("claims", str(path))
    assert run.code == 0, run.out


def test_author_files_are_never_modified(book_copy):
    before = {p: p.read_bytes() for p in (book_copy / "manuscript").glob("*")}
    run_book("claims", cwd=book_copy)
    run_book("todo", cwd=book_copy)
    assert before == {p: p.read_bytes() for p in (book_copy / "manuscript").glob("*")}


def test_results_source_must_point_at_a_file(book_copy):
    edit(book_copy / "manuscript/sources.yaml", "path: code/results/ch05-batching.json", "path: code/results/ch05-gone.json")
    run = run_book("claims", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("source-registry")
    assert "ch05-gone.json does not exist" in finding


def test_cached_results_follow_the_registry(book_copy):
    path = book_copy / "manuscript" / "extra.md"
    path.write_text("单次咨询 $0.20（来源：ARK报告第6页）。\n", encoding="utf-8")
    assert run_book("claims", str(path), cwd=book_copy).code == 0
    assert list((book_copy / ".cache" / "claims").glob("*.pickle"))  # the verdict was cached
    assert run_book("claims", str(path), cwd=book_copy).code == 0  # and reused
    edit(book_copy / "manuscript/sources.yaml", "aliases: [ARK报告, ARK 报告, ", "aliases: [")
    run = run_book("claims", str(path), cwd=book_copy)
    assert run.code == 1 and run.lines("unknown-source")  # a registry change invalidates the cache


def long_book(folder):
    """The benchmark's generated book (over the size at which the check is shared between processes)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import claims_bench
    folder.mkdir(parents=True, exist_ok=True)
    claims_bench.generate(folder)
    return folder


def test_shared_check_matches_the_single_process_one(tmp_path):
    """Two processes, or findings without the ledger, find exactly what one process writing the ledger finds."""
    sys.path.insert(0, str(ROOT / "tools"))
    from book import claims_run
    from book.repo import Repo
    book = long_book(tmp_path / "book")
    (book / "ch90-latin1.md").write_bytes("成本 30%\n".encode("gb18030"))
    (book / "ch91-broken.md").write_text("成本 $3 [@ark-big-ideas-2026, page]。吞吐提升 3 倍。\n", encoding="utf-8")
    assert sum(p.stat().st_size for p in book.iterdir()) > claims_run.PARALLEL_BYTES
    repo = Repo(ROOT)
    alone = claims_run.run(repo, [book], workers=1)
    shared = claims_run.run(repo, [book], workers=2)
    findings_only = claims_run.run(repo, [book], workers=2, ledger=False)
    assert sorted(shared.findings) == sorted(alone.findings) == sorted(findings_only.findings)
    assert shared.ledger() == alone.ledger()
    assert findings_only.claims == []
    codes = {f.code for f in shared.findings}
    assert {"claims-read", "bad-page", "uncited-claim", "pending-citation"} <= codes
    assert len(shared.claims) > 10_000


def test_shared_check_with_a_broken_registry_reports_the_registry(book_copy, tmp_path):
    long_book(book_copy / "manuscript" / "long")
    (book_copy / "manuscript/sources.yaml").write_text("ark-big-ideas-2026: [unclosed\n", encoding="utf-8")
    run = run_book("claims", cwd=book_copy)
    assert run.code == 1
    assert {l.split()[2] for l in run.lines() if ": error " in l} == {"source-registry"}, run.out


INLINE_CASES = ["纯文本 30%，没有标记。", "成本 $3 <!-- no-cite: 作者估算 --> 之后", "文字<!--紧贴-->文字", "前 <!-- 没有结束",
                "注释 <!-- a --> 和标签 <b>粗</b>", "注释里有代码 <!-- `x` --> 后", "短注释 <!--> 与 <!---> 之后",
                "两个 <!-- a --> 和 <!-- b -->", "第一行\n第二行 <!-- c -->\n  第三行", "[@ark-big-ideas-2026, p. 3] 引用 <!-- x -->",
                "注释后有代码 <!-- x --> `30%`", "奇怪的 <!-- -- --> 注释", "链接 [a](http://x/30%) <!-- x -->",
                "<https://a.b/5%> <!-- x -->", "公式 \\(a\\) <!-- x -->", "引用 [ref] 与 <!-- x -->\n\n[ref]: http://x"]


@pytest.mark.parametrize("text", INLINE_CASES)
def test_inline_fast_paths_give_the_parsers_children(text):
    sys.path.insert(0, str(ROOT / "tools"))
    from book import prose
    md = prose.markdown()
    doc = prose.parse(text)
    inline = [t for t in doc.tokens if t.type == "inline"]
    assert inline
    env: dict = {}
    md.parse(text, env)  # reference definitions, as the inline parser would see them
    for token in inline:
        full = []
        md.inline.parse(token.content, md, env, full)
        assert [(c.type, c.content) for c in token.children] == [(c.type, c.content) for c in full]


def test_inline_fast_paths_on_the_book():
    sys.path.insert(0, str(ROOT / "tools"))
    from book import prose
    from book.repo import Repo
    md = prose.markdown()
    for path in Repo(ROOT).prose_files():
        text = path.read_text(encoding="utf-8")
        doc = prose.parse(text)
        env: dict = {}
        md.parse("\n".join(doc.lines), env)
        for token in (t for t in doc.tokens if t.type == "inline"):
            full = []
            md.inline.parse(token.content, md, env, full)
            assert [(c.type, c.content) for c in token.children] == [(c.type, c.content) for c in full], path


@pytest.mark.parametrize("files_left", [True, False], ids=["while-parsing", "after-parsing"])
def test_helper_stops_when_the_registry_is_unusable(tmp_path, files_left):
    """The parent sends None for a broken registry, whether the helper is still drawing files or already done."""
    import os
    import threading
    sys.path.insert(0, str(ROOT / "tools"))
    from book import claims_run
    path = tmp_path / "a.md"
    path.write_text("成本 30%。\n", encoding="utf-8")
    work = [[path], [path]] if files_left else []
    queue = claims_run.FileQueue(len(work))
    to_helper, from_parent = os.pipe()
    to_parent, from_helper = os.pipe()
    parent = claims_run.Channel(to_parent, from_parent)
    parent.send(None)  # already waiting before the helper draws its first file
    thread = threading.Thread(target=claims_run.helper, daemon=True, args=(
        claims_run.Channel(to_helper, from_helper), ROOT, work, queue, False, True, "digest"))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the helper still waits for a registry that will not come"
    assert parent.recv() == ([], [])


def test_file_queue_deals_each_batch_once():
    sys.path.insert(0, str(ROOT / "tools"))
    from book import claims_run
    from pathlib import Path
    files = [Path(f"f{k}.md") for k in range(2500)]
    work = claims_run.batches(files)
    assert len(work) <= claims_run.FileQueue.LIMIT and sum(work, []) == files
    queue = claims_run.FileQueue(len(work))
    drawn = list(iter(queue.draw, None))
    assert drawn == list(range(len(work)))


def test_no_fork_beside_other_threads(tmp_path):
    """Inside `mkdocs serve` (a server thread) a long book is checked in the one process, with the same result."""
    import threading
    sys.path.insert(0, str(ROOT / "tools"))
    from book import claims_run
    from book.repo import Repo
    book = long_book(tmp_path / "book")
    assert claims_run.can_fork()
    stop = threading.Event()
    server = threading.Thread(target=stop.wait, daemon=True)
    server.start()
    try:
        assert not claims_run.can_fork()
        beside_a_thread = claims_run.run(Repo(ROOT), [book], workers=2)
    finally:
        stop.set()
        server.join()
    assert sorted(beside_a_thread.findings) == sorted(claims_run.run(Repo(ROOT), [book], workers=2).findings)


# The figures the chapter-1 plan attributes to ARK's report (spending 2023 and 2030, the year's 99% fall in cost,
# software's 300x, the 86% still to come, Toast's 100x ROI, and the 3-5x of a badly configured machine).
ARK_FIGURES = {"$100B", "$4B", "$250B", "$630B 至 $1.4T", "99%", "300 倍", "86%", "100 倍", "3-5 倍"}


def test_ark_is_cited_only_for_the_figures_the_plan_attributes_to_it():
    doc = run_book("claims", "--format", "json").json()
    ark = {c["figure"] for c in doc["claims"] if any(x["key"] == "ark-big-ideas-2026" for x in c["citations"])}
    assert ark <= ARK_FIGURES, ark - ARK_FIGURES
    todo = {c["figure"] for c in doc["claims"] if c["status"] == "todo"}
    assert {"$2-5", "$0.20", "$0.02", "10%", "30%"} <= todo  # the plan gives these no source: no citation either
