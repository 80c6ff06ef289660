"""Source verification: figures against the committed test PDFs (tests/data/pdf, made by make_fixtures.py there).

What the test documents hold (printed page: text):
report.pdf, labels i, ii, 1–6:  1: 99%, 75%, 10x · 2: $1.4 trillion, 500K requests, $0.20 · 3: no text layer (a chart)
  · 4: "4-" / "8 倍" and "1,2" / "34 家企业" broken over lines · 5: ９０％, 二十倍, 三百万次 · 6: 2 to 5 times, 2~3 倍, 75%
plain.pdf, no labels, registry page_offset 1:  1: 23x · 2: 120 ms, 1,000 QPS
locked.pdf: needs a password.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from book.checks import claims, verify as v
from book.reading import documents
from book.reading.book import Book
from book.reading.repo import Repo

DATA = Path(__file__).resolve().parent / "data"
PDF = DATA / "pdf"
ROOT = Path(__file__).resolve().parents[1]

# Line of the fixture chapter -> (status, candidate pages).
EXPECTED = {
    3: ("verified", ["1"]),             # 99% on printed page 1 (PDF page 3: labels differ from the index)
    5: ("verified", ["1"]),             # 百分之九十九 = 99%
    7: ("pending", ["1", "6"]),         # 75% on two pages: --fill leaves it
    9: ("pending", ["2"]),              # $0.20: one candidate, --fill writes p. 2
    11: ("verified", ["2"]),            # 1.4 万亿美元 = $1.4 trillion
    13: ("verified", ["2"]),            # 50 万次请求 = 500K requests
    15: ("page-mismatch", ["1"]),       # 10 倍 is on p. 1, not p. 2
    17: ("verified", ["4"]),            # 4-8 倍, broken over a line on the page
    19: ("verified", ["4"]),            # 1,234 broken as 1,2 / 34
    21: ("no-text", []),                # p. 3 is a chart without text
    23: ("verified", ["5"]),            # 90% = ９０％
    25: ("verified", ["5"]),            # 20 倍 = 二十倍
    27: ("verified", ["5"]),            # 300 万次 = 三百万次
    29: ("verified", ["6"]),            # 2~5 倍 = 2 to 5 times
    31: ("verified", ["6"]),            # 2-3x = 2~3 倍
    33: ("verified", ["1", "6"]),       # ７５％ with a free-form citation
    35: ("not-found", []),              # 42% is nowhere
    37: ("checked-by-hand", []),        # <!-- verified: … -->
    39: ("verified", ["2"]),            # $1.4T in pp. 1-2
    41: ("bad-page", []),               # p. 40 past the end
    43: ("verified", ["1"]),            # plain: printed 1 = PDF page 2 (page_offset)
    45: ("page-mismatch", ["2"]),       # 120 ms is on printed p. 2
    47: ("pending", ["2"]),             # 1,000 QPS
    49: ("no-document", []),            # absent: no PDF here
    51: ("unreadable", []),             # locked: encrypted
    53: ("pending", ["2"]),             # 500K 次请求
}


def make_book(base: Path) -> Path:
    root = base / "book"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    (root / "toc").mkdir(parents=True)
    (root / "toc" / "table-of-contents.md").write_text("---\ntitle: t\nstatus: 草稿\n---\n\n# 目录\n", encoding="utf-8")
    (root / "manuscript").mkdir()
    shutil.copy(DATA / "verify" / "sources.yaml", root / "manuscript" / "sources.yaml")
    shutil.copy(DATA / "verify" / "ch01-verify.md", root / "manuscript" / "ch01-verify.md")
    (root / "docs").mkdir()
    shutil.copy(PDF / "report.pdf", root / "docs" / "report.pdf")
    shutil.copy(PDF / "locked.pdf", root / "docs" / "locked.pdf")
    (root / "sources").mkdir()
    shutil.copy(PDF / "plain.pdf", root / "sources" / "plain.pdf")
    return root


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BOOK_SOURCES_DIR", raising=False)
    monkeypatch.delenv("BOOK_LANG", raising=False)
    return make_book(tmp_path)


def run_verify(root: Path, **kwargs) -> v.Outcome:
    book = Book(Repo(root), [root / "manuscript" / "ch01-verify.md"])
    assert not book.registry.findings, book.registry.findings
    return v.check(book, **kwargs)


def plan_fill(root: Path) -> v.FillPlan:
    book = Book(Repo(root), [root / "manuscript" / "ch01-verify.md"])
    return v.plan_fill(book, v.check(book).verdicts)


def statuses(outcome: v.Outcome) -> dict[int, tuple[str, list[str]]]:
    return {verdict.claim.line: (verdict.status, verdict.candidates) for verdict in outcome.verdicts}


def test_every_claim_of_the_fixture_chapter(book):
    outcome = run_verify(book)
    assert statuses(outcome) == EXPECTED
    assert outcome.counts() == {"verified": 14, "page-mismatch": 2, "not-found": 1, "pending": 4, "no-document": 1,
                                "no-text": 1, "checked-by-hand": 1, "bad-page": 1, "unreadable": 1}


def test_findings_are_located_and_graded(book):
    found = {(f.path, f.line, f.severity, f.code) for f in run_verify(book).findings}
    chapter = "manuscript/ch01-verify.md"
    assert found == {
        ("manuscript/sources.yaml", 18, "error", "source-document"),  # locked's file: line
        (chapter, 7, "warning", "pending-citation"), (chapter, 9, "warning", "pending-citation"),
        (chapter, 15, "error", "page-mismatch"), (chapter, 21, "warning", "no-text"),
        (chapter, 35, "warning", "not-found"), (chapter, 41, "error", "bad-page"),
        (chapter, 45, "error", "page-mismatch"), (chapter, 47, "warning", "pending-citation"),
        (chapter, 53, "warning", "pending-citation"),
    }


def test_messages_say_which_pages(book, monkeypatch):
    by_line = {f.line: f.message for f in run_verify(book).findings}
    assert by_line[15] == "“10 倍”不在 report 第 2 页，而在第 1 页"
    assert by_line[45] == "“120 ms”不在 plain 第 1 页，而在第 2 页"
    assert "第 1, 6 页" in by_line[7] and "--fill" not in by_line[7]
    assert "第 2 页" in by_line[9] and "--fill" in by_line[9]
    assert by_line[41] == "report 没有第 40 页（其页码为 i–ii, 1–6）"
    monkeypatch.setenv("BOOK_LANG", "en")
    by_line = {f.line: f.message for f in run_verify(book).findings}
    assert by_line[15] == "'10 倍' is not on p. 2 of report but on p. 1"
    assert "encrypted" in by_line[18]


def test_second_run_reads_the_cache_not_the_pdf(book, monkeypatch):
    first = statuses(run_verify(book))

    def no_extraction(path):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(documents, "extract", no_extraction)
    monkeypatch.setattr(v, "build_index", no_extraction)
    outcome = run_verify(book, all_documents=False)
    assert statuses(outcome) == first


def test_cache_follows_the_documents_bytes(book, monkeypatch):
    run_verify(book)
    shutil.copy(PDF / "plain.pdf", book / "docs" / "report.pdf")  # another document under the same name
    outcome = statuses(run_verify(book))
    assert outcome[3] == ("not-found", [])
    assert outcome[45] == ("page-mismatch", ["2"])


def test_damaged_cache_entries_are_rebuilt(book, tmp_path):
    run_verify(book)
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert entries and all(e.stat().st_size for e in entries)
    for entry in entries:
        entry.write_text("{not json", encoding="utf-8")
    assert statuses(run_verify(book)) == EXPECTED


def replace_document(book: Path, data: bytes | None) -> None:
    target = book / "docs" / "report.pdf"
    if data is None:
        target.unlink()
    else:
        target.write_bytes(data)


@pytest.mark.parametrize("case, reason", [
    ("missing", "文件不存在"),
    ("text", "不是 PDF"),
    ("empty", "文件是空的"),
    ("truncated", "文件不完整"),
])
def test_a_bad_document_is_an_error_at_its_file_line(book, case, reason):
    data = (PDF / "report.pdf").read_bytes()
    replace_document(book, {"missing": None, "text": "这不是 PDF\n".encode(), "empty": b"",
                            "truncated": data[: len(data) // 2]}[case])
    outcome = run_verify(book)
    errors = [f for f in outcome.findings if f.code == "source-document"]
    assert [(f.path, f.line, f.severity) for f in errors if "report" in f.message] == [
        ("manuscript/sources.yaml", 6, "error")]
    assert reason in next(f.message for f in errors if "report" in f.message)
    assert {s for line, (s, _) in statuses(outcome).items() if line <= 41 and line != 37} == {"unreadable"}


def test_sources_folder_and_its_override(book, tmp_path, monkeypatch):
    (book / "sources" / "plain.pdf").unlink()
    assert statuses(run_verify(book))[43] == ("no-document", [])  # no document: not a finding
    elsewhere = tmp_path / "pdfs"
    elsewhere.mkdir()
    shutil.copy(PDF / "plain.pdf", elsewhere / "plain.pdf")
    monkeypatch.setenv("BOOK_SOURCES_DIR", str(elsewhere))
    assert statuses(run_verify(book))[43] == ("verified", ["1"])


def test_page_offset_overrides_the_pdf_labels(book):
    registry = book / "manuscript" / "sources.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(
        "  file: docs/report.pdf\n", "  file: docs/report.pdf\n  page_offset: 3\n"), encoding="utf-8")
    found = statuses(run_verify(book))
    assert found[3] == ("page-mismatch", ["#3"])  # printed 1 is now PDF page 4; 99% is on PDF page 3, unnumbered
    assert found[11] == ("no-text", ["1"])  # printed 2 is now the chart page; $1.4 trillion is on printed 1


def test_labels_and_offsets():
    assert documents.printed_labels(["i", "ii", "1", "2"], None) == ["i", "ii", "1", "2"]
    assert documents.printed_labels(["", "", ""], None) == ["1", "2", "3"]
    assert documents.printed_labels(["", "", ""], 1) == ["", "1", "2"]
    assert documents.printed_labels(["", ""], -10) == ["11", "12"]
    assert documents.describe_labels(["i", "ii", "1", "2", "3"]) == "i–ii, 1–3"


@pytest.mark.parametrize("figure, page", [
    ("99%", "下降约 99% 。"),
    ("９９％", "fell 99 percent"),
    ("百分之九十九", "99%"),
    ("九成", "90%"),
    ("$1.4T", "$1.4 trillion"),
    ("1.4 万亿美元", "US$1.4T"),
    ("14,000 亿美元", "$1.4 trillion"),
    ("$0.20", "$0.2"),
    ("20 美分", "$0.20"),
    ("50 万次请求", "500K requests"),
    ("50 万次请求", "500,000 次"),
    ("500K", "０.５M"),
    ("3 亿", "300 million"),
    ("二十倍", "20x"),
    ("20 倍", "20×"),
    ("10x", "10 times"),
    ("4-8x", "4–8 倍"),
    ("2~5 倍", "2 to 5 times"),
    ("2 至 5 倍", "2x-5x"),
    ("20%-30%", "20-30%"),
    ("1,234 家", "1234 家"),
    ("１２０ ms", "120ms"),
    ("翻倍", "2x"),
    ("减半", "cut costs by 50%"),
    ("每 100 次中约 7 次", "7 of every 100"),
    ("5 倍", "2-5x"),
])
def test_figures_match_their_page_forms(figure, page):
    atoms = v.figure_atoms(figure)
    assert atoms, figure
    keys = v.page_keys(page)
    assert all(set(atom) & keys for atom in atoms), (figure, atoms, sorted(keys))


@pytest.mark.parametrize("figure, page", [
    ("99%", "99 users"),          # a percent is not a plain number
    ("99%", "199%"),
    ("10 倍", "10%"),
    ("$1.4T", "1.4 trillion yuan"),
    ("$1.4T", "$1.4 billion"),
    ("4-8x", "4x and 8x"),        # a range is not its two ends apart
    ("1,234", "1,2345"),
    ("100", "H100"),
    ("50 万", "50"),
])
def test_figures_do_not_match_other_quantities(figure, page):
    atoms = v.figure_atoms(figure)
    keys = v.page_keys(page)
    assert not all(set(atom) & keys for atom in atoms), (figure, atoms, sorted(keys))


def test_a_figure_broken_over_a_line():
    keys = v.page_keys("吞吐提升了 4-\r\n8 倍，服务 1,2\r\n34 家，延迟 12\n0 ms")
    assert {"x:4~8", "n:1234", "n:120"} <= keys
    assert {"n:12", "n:0"} <= keys  # the lines as printed are read too


def test_an_empty_hand_check_note_is_an_error(book):
    chapter = book / "manuscript" / "ch01-verify.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("<!-- verified: 第2页柱状图读数 -->",
                                                                   "<!-- verified: -->"), encoding="utf-8")
    outcome = run_verify(book)
    assert statuses(outcome)[37] == ("checked-by-hand", [])
    assert [(f.line, f.code) for f in outcome.findings if f.code == "verified-reason"] == [(37, "verified-reason")]


def changed_lines(before: str, after: str) -> set[int]:
    a, b = before.split("\n"), after.split("\n")
    assert len(a) == len(b)
    return {k + 1 for k, (x, y) in enumerate(zip(a, b)) if x != y}


def test_fill_changes_exactly_the_lines_it_reports(book):
    chapter = book / "manuscript" / "ch01-verify.md"
    before = chapter.read_text(encoding="utf-8")
    plan = plan_fill(book)
    assert [(e.line, e.old, e.new) for e in plan.edits] == [
        (9, "[@report, p. ?]", "[@report, p. 2]"),
        (47, "[@plain, p. ?]", "[@plain, p. 2]"),
        (53, "[@report, p. ?]", "[@report, p. 2]"),
    ]
    assert [(r.line, why) for r, why in plan.skipped] == [(7, "有多个候选页（1, 6）")]
    diff = v.fill_diff(plan)
    assert chapter.read_text(encoding="utf-8") == before  # planning (and --dry-run) writes nothing
    assert "-客服代理每次对话成本 $0.20[@report, p. ?]。\n+客服代理每次对话成本 $0.20[@report, p. 2]。\n" in diff
    v.write_fill(book, plan)
    after = chapter.read_text(encoding="utf-8")
    assert changed_lines(before, after) == {e.line for e in plan.edits}
    assert after.replace("p. 2]", "p. ?]") == before.replace("p. 2]", "p. ?]")
    found = statuses(run_verify(book))
    assert found[9] == ("verified", ["2"]) and found[47] == ("verified", ["2"]) and found[53] == ("verified", ["2"])
    assert plan_fill(book).edits == []  # nothing left to fill


def test_fill_keeps_line_endings_and_finds_a_citation_before_its_figure(book):
    chapter = book / "manuscript" / "ch01-verify.md"
    text = ("# 第1章 核对示例\r\n\r\n据[@report, p. ?]统计，客服代理每次对话成本 $0.20。\r\n\r\n"
            "另一句话[@report, p. ?]没有数字。\r\n")
    chapter.write_bytes(("\ufeff" + text).encode("utf-8"))
    plan = plan_fill(book)
    assert [(e.line, e.new) for e in plan.edits] == [(3, "[@report, p. 2]")]
    v.write_fill(book, plan)
    assert chapter.read_bytes() == ("\ufeff" + text.replace("p. ?]统计", "p. 2]统计")).encode("utf-8")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_fill_is_the_same_whatever_the_line_ends_and_across_a_wrapped_citation(book, newline):
    """Two pending citations on two lines (one of them wrapped over a line break, as hard-wrapping editors write
    it), saved with LF, CRLF or lone CR: each is located at its own place, $0.20 (page 2 only) is filled, 75% (pages
    1 and 6) is left alone, and the file keeps its line ends byte for byte."""
    chapter = book / "manuscript" / "ch01-verify.md"
    lines = ["# 第1章 核对示例", "", "GPU 利用率提升到 75%[@report,", "p. ?]。", "",
             "客服代理每次对话成本 $0.20[@report,", "p. ?]。", ""]
    chapter.write_bytes(newline.join(lines).encode("utf-8"))
    plan = plan_fill(book)
    assert [(e.line, e.old, e.new) for e in plan.edits] == [(6, "[@report,\np. ?]", "[@report,\np. 2]")]
    assert [(r.line, r.figure) for r, _ in plan.skipped] == [(3, "75%")]
    v.write_fill(book, plan)
    assert chapter.read_bytes() == newline.join(lines[:6] + ["p. 2]。", ""]).encode("utf-8")
    found = statuses(run_verify(book))
    assert found[6] == ("verified", ["2"]) and found[3] == ("pending", ["1", "6"])


def test_fill_edits_only_the_pending_page_of_its_source():
    assert v.filled("[@a, p. 3; @report, p. ?]", "report", "7") == "[@a, p. 3; @report, p. 7]"
    assert v.filled("[@report, p. ?; @b, p. ?]", "report", "7") == "[@report, p. 7; @b, p. ?]"
    assert v.filled("[@report, p. 5]", "report", "7") is None
    assert v.filled("（来源：示例报告第？页）", "report", "7") == "（来源：示例报告第7页）"
    assert v.filled("（示例报告 第 ? 页）", "report", "12") == "（示例报告 第 12 页）"


# The command line: `book sources verify`, `book claims --format json`, `book todo`, `book check`'s step.

from conftest import run_book  # noqa: E402


def test_cli_reports_every_claim(book):
    run = run_book("sources", "verify", "--format", "json", cwd=book)
    assert run.code == 1  # page-mismatch, bad-page and the encrypted document are errors
    doc = run.json()
    assert {row["line"]: (row["status"], row["candidates"]) for row in doc["claims"]} == EXPECTED
    assert set(doc["claims"][0]) == {"file", "line", "col", "figure", "source", "page", "status", "candidates"}
    assert doc["summary"]["statuses"]["verified"] == 14 and doc["summary"]["documents"] == 3
    text = run_book("sources", "verify", cwd=book)
    assert text.code == 1
    assert "manuscript/ch01-verify.md:15:13: error page-mismatch “10 倍”不在 report 第 2 页，而在第 1 页" in text.lines()
    assert text.lines()[-1].startswith("26 个引用：核实 14，页码不符 2")


def test_cli_fill_dry_run_then_fill(book):
    chapter = book / "manuscript" / "ch01-verify.md"
    before = chapter.read_text(encoding="utf-8")
    dry = run_book("sources", "verify", "--fill", "--dry-run", cwd=book)
    assert chapter.read_text(encoding="utf-8") == before
    assert "+客服代理每次对话成本 $0.20[@report, p. 2]。" in dry.lines()
    assert "将填入 3 处页码（--dry-run，未写入）：" in dry.lines()
    run = run_book("sources", "verify", "--fill", "--format", "json", cwd=book)
    fill = run.json()["fill"]
    assert fill["written"] and [(e["line"], e["new"]) for e in fill["edits"]] == [
        (9, "[@report, p. 2]"), (47, "[@plain, p. 2]"), (53, "[@report, p. 2]")]
    assert changed_lines(before, chapter.read_text(encoding="utf-8")) == {9, 47, 53}
    statuses_now = {row["line"]: row["status"] for row in run.json()["claims"]}
    assert statuses_now[9] == statuses_now[47] == statuses_now[53] == "verified"  # reported as the book now is


def test_cli_chapter_and_document_outside_the_repository(book, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(PDF / "plain.pdf", outside / "paper.pdf")
    registry = book / "manuscript" / "sources.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(
        "  page_offset: 1\n", f"  page_offset: 1\n  file: {outside / 'paper.pdf'}\n"), encoding="utf-8")
    (book / "sources" / "plain.pdf").unlink()
    chapter = outside / "draft.md"
    chapter.write_text("# 草稿\n\n批处理让吞吐提升了 23 倍[@plain, p. ?]。\n", encoding="utf-8")
    run = run_book("sources", "verify", "--fill", "--format", "json", str(chapter), cwd=book)
    assert [(r["file"], r["status"]) for r in run.json()["claims"]] == [(chapter.as_posix(), "verified")]
    assert chapter.read_text(encoding="utf-8") == "# 草稿\n\n批处理让吞吐提升了 23 倍[@plain, p. 1]。\n"


def test_cli_without_documents_is_an_info_line(book_copy):
    run = run_book("sources", "verify", cwd=book_copy)
    assert run.code == 0
    assert run.lines()[0] == "本机没有来源文档（sources/<key>.pdf 或登记表中的 file:），跳过核对"
    assert run_book("sources", "verify", "--format", "json", cwd=book_copy).json()["claims"] == []


def test_cli_bad_usage_exits_2(book):
    run = run_book("sources", "verify", "--dry-run", cwd=book)
    assert run.code == 2 and "--fill" in run.err
    assert run_book("sources", cwd=book).code == 2


def test_claims_ledger_and_todo_carry_the_verification(book):
    claims = run_book("claims", "--format", "json", cwd=book).json()["claims"]
    by_line = {row["line"]: row for row in claims}
    assert by_line[15]["verification"] == [{"source": "report", "page": "2", "status": "page-mismatch",
                                            "candidates": ["1"]}]
    assert "verification" not in by_line[49]  # absent has no document: nothing was computed
    items = run_book("todo", "--format", "json", cwd=book).json()["items"]
    pending = {it["line"]: it["candidates"] for it in items if it["kind"] == "pending-citation"}
    assert pending == {7: ["1", "6"], 9: ["2"], 47: ["2"], 53: ["2"]}
    assert "（候选页：2）" in run_book("todo", "--format", "markdown", cwd=book).out


CHECK_ONLY_VERIFY = ("check", "--skip", "toc", "--skip", "todo", "--skip", "notebooks", "--skip", "site")


def test_book_check_fails_on_a_page_mismatch(book):
    run = run_book(*CHECK_ONLY_VERIFY, cwd=book)
    assert run.code == 1
    assert "manuscript/ch01-verify.md:15:13: error page-mismatch “10 倍”不在 report 第 2 页，而在第 1 页" in run.lines()
    assert not [line for line in run.lines("pending-citation") if "候选" in line or "见第" in line]  # claims' own
    assert "来源核对（verify）：未通过" in run.out


def test_book_check_without_documents_here_is_an_info_line(book):
    shutil.rmtree(book / "docs")  # the registry's file: entries now name files of another machine
    shutil.rmtree(book / "sources")
    run = run_book(*CHECK_ONLY_VERIFY, cwd=book)
    assert run.code == 0, run.out
    assert "book sources verify：本机没有来源文档（sources/<key>.pdf 或登记表中的 file:），跳过核对" in run.lines()
    explicit = run_book("sources", "verify", cwd=book)  # asked for by name, a missing file: is an error
    assert explicit.code == 1 and len(explicit.lines("source-document")) == 2


def test_cli_bad_input_is_a_finding_not_a_traceback(book, tmp_path):
    binary = tmp_path / "notes.md"
    binary.write_bytes(b"\xff\xfe not utf-8")
    run = run_book("sources", "verify", str(binary), cwd=book)
    assert run.code == 1 and run.lines("file-encoding")
    assert run_book("sources", "verify", str(tmp_path / "missing.md"), cwd=book).code == 2
    (book / "manuscript" / "sources.yaml").write_text("report: [unclosed\n", encoding="utf-8")
    broken = run_book("sources", "verify", cwd=book)
    assert broken.code == 1 and broken.lines("source-registry")


def test_hand_check_note_on_the_claim_line_or_its_wrapped_sentence(book):
    """A `<!-- verified: … -->` counts on a line of the claim's sentence, from the claim's line on; not in the next."""
    chapter = book / "manuscript" / "ch01-verify.md"
    chapter.write_text("# 第1章 核对示例\n\n收入增长 37%，\n见报告[@report, p. 2]。<!-- verified: 柱状图读数 -->\n\n"
                       "收入增长 38%[@report, p. 2]。\n下一句 <!-- verified: x -->\n\n"
                       "收入增长 39%[@report, p. 2]。<!--verified：读图-->\n\n"
                       "```\n收入增长 41%[@report, p. 2]。<!-- verified: 代码里的不算 -->\n```\n", encoding="utf-8")
    book_ = Book(Repo(book), [chapter])
    records = v.records_from_claims(
        claims.check(book_, False).claims,
        book_.registry.sources,
        lambda shown: {line: d.note for line, d in book_.prose_map(book_.file(book / shown)).directive_lines("verified").items()})
    assert {r.figure: r.by_hand for r in records} == {"37%": "柱状图读数", "38%": None, "39%": "读图"}
