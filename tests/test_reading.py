"""The reading layer in process, on fixture files: numerals, YAML, the registry, the TOC model, citations, prose."""
from __future__ import annotations

import shutil

import pytest

from book.cache import read_json
from book.reading import numerals
from book.reading.book import Book
from book.reading.repo import Repo
from book.reading.sources import load
from book.reading.textio import YamlProblem, read_yaml
from book.reading.toc_parse import parse
from conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path) -> Repo:
    """A small book: two chapters (one in a subfolder), a registry with one paged source, the real schemas."""
    shutil.copytree(FIXTURE, tmp_path / "mini")
    shutil.copytree(ROOT / "schemas", tmp_path / "mini" / "schemas")
    return Repo(tmp_path / "mini")


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (11, "十一"), (12, "十二"), (20, "二十"), (21, "二十一"),
                                    (100, "一百"), (105, "一百零五"), (110, "一百一十"), (1010, "一千零一十")])
def test_chinese_numerals_both_ways(n, text):
    assert numerals.to_chinese(n) == text and numerals.to_int(text) == n


def test_numerals_round_trip():
    assert all(numerals.to_int(numerals.to_chinese(n)) == n for n in range(1, 3000))
    assert numerals.to_int("六") == 6 and numerals.to_int("两") == 2 and numerals.to_int("x") is None


def test_duplicate_yaml_key_is_an_error_at_its_line():
    with pytest.raises(YamlProblem) as problem:
        read_yaml("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert problem.value.line == 3 and "键“c”重复" in problem.value.problem


def test_registry_problems_are_located(mini):
    (mini.sources).write_text("ark:\n  title: A\n  paged: true\nark:\n  title: B\n", encoding="utf-8")
    assert [(f.line, f.code) for f in load(mini).findings] == [(4, "source-registry")]
    mini.sources.unlink()
    assert [(f.path, f.line, f.code) for f in load(mini).findings] == [("manuscript/sources.yaml", 1, "source-registry")]


def test_a_registry_read_without_a_problem_is_remembered_by_its_text(mini, monkeypatch, tmp_path):
    from book.reading import sources
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    (mini.root / "docs").mkdir()
    (mini.root / "docs" / "a.pdf").write_bytes(b"%PDF")
    mini.sources.write_text("ark:\n  title: A\n  paged: true\n  path: docs/a.pdf\n", encoding="utf-8")
    first = load(mini)
    memo = next((tmp_path / "cache" / "registry").rglob("registry.json"))
    assert not first.findings and read_json(memo)["sources"] == first.sources

    def unread(*args):
        raise AssertionError("read in full although remembered")
    with monkeypatch.context() as patch:
        patch.setattr(sources, "read", unread)
        assert load(mini).sources == first.sources  # the memo answers: no YAML, no validator
    (mini.root / "docs" / "a.pdf").unlink()  # what the sources name is looked at again
    assert [(f.line, f.code) for f in load(mini).findings] == [(4, "source-registry")]
    (mini.root / "docs" / "a.pdf").write_bytes(b"%PDF")
    mini.sources.write_text("ark:\n  title: A\n  paged: true\n  pages: 0\n", encoding="utf-8")  # a new text: read
    assert [f.code for f in load(mini).findings] == ["source-registry"]
    memo.write_text("{damaged", encoding="utf-8")
    mini.sources.write_text("ark:\n  title: A\n  paged: true\n  path: docs/a.pdf\n", encoding="utf-8")
    assert load(mini).sources == first.sources
    mini.sources.write_text("2026:\n  title: A\n  paged: false\n", encoding="utf-8")  # a number as key: valid
    numbered = load(mini)  # but JSON would give it back as text: never remembered, read in full each time
    assert list(numbered.sources) == [2026] and not numbered.findings
    assert next(iter(read_json(memo)["sources"])) == "ark"  # the memo still holds the last registry it could keep


def test_toc_model_is_typed_with_labels_and_resolved_paths(mini):
    toc = Book(mini).toc
    assert not toc.findings
    [part] = toc.parts
    assert part.label == "第一部分 基础篇"
    ch1, ch2 = toc.chapters
    assert (ch1.label, ch1.heading) == ("第1章", "第1章 成本")
    assert ch2.path == mini.manuscript / "part" / "ch02-b.md"
    assert ch2.sections[0].notes == ["[ ] 规划备注"]
    assert toc.to_dict()["parts"][0]["chapters"][1]["file"] == "../manuscript/part/ch02-b.md"


def test_parts_beyond_ten_are_named_in_chinese(tmp_path):
    text = "# 目录\n\n" + "".join(f"## 第{numerals.to_chinese(n)}部分 P{n}\n\n" for n in range(1, 13))
    toc = parse(text, tmp_path / "toc.md", "toc.md")
    assert [p.number for p in toc.parts] == list(range(1, 13))
    assert toc.parts[10].label == "第十一部分 P11" and toc.parts[11].label == "第十二部分 P12"


@pytest.mark.parametrize("text,findings", [
    ("", [(1, "toc-parse")]),
    ("---\ntitle: x\n\n## 第一部分 a\n", [(1, "toc-parse")]),  # unclosed front matter: one finding, the cause
    ("---\ntitle: [x\n---\n\n## 第一部分 a\n", [(2, "toc-parse")]),
    ("# 目录\n\n- 备注\n\n## 第一部分 a\n", [(3, "toc-parse")]),
    ("## 第一部分 a\n\n### 第章 无编号\n\n#### 1.1 x\n\n- **1.1.1 y**\n", [(3, "toc-parse")]),  # the cause alone
])
def test_toc_parse_findings(tmp_path, text, findings):
    toc = parse(text, tmp_path / "toc.md", "toc.md")
    assert [(f.line, f.code) for f in toc.findings] == findings


def test_one_citation_grammar_for_checker_and_site(mini):
    from book.site.render import Renderer
    book = Book(mini)
    text = "单次咨询成本 $0.20（来源：ARK报告第六页），又见 [@ark, p. 20; @ark, p. ?]。"
    cites = book.citations.find(text)
    assert [(c.key, c.page, c.problem) for c in cites] == [("ark", "6", None), ("ark", "20", None), ("ark", "?", None)]
    html = Renderer(book.registry, book.citations, draft=False).page(text)
    assert ">[1]</a>6</sup>" in html and ">[1]</a>20" in html and "六" not in html and "[@" not in html


def test_the_site_joins_a_paragraphs_lines_between_chinese_characters(mini):
    """A line break between two Chinese characters would show as a stray space; headings, code and lines that end
    or start with Latin text keep their breaks."""
    from book.site.render import Renderer
    book = Book(mini)
    page = Renderer(book.registry, book.citations, draft=False).page(
        "## 标题\n正文第一行，\n第二行。\n\n- 列表，\n  续行\n- 结尾是 GPU\n  下一行\n\n```\n中文，\n代码\n```\n")
    assert page.split("\n") == ["## 标题", "正文第一行，第二行。", "", "- 列表，续行", "- 结尾是 GPU", "  下一行", "",
                                 "```", "中文，", "代码", "```", ""]


def test_prose_units_by_kind(mini):
    book = Book(mini)
    source = book.file(mini.manuscript / "ch01-a.md")
    units = book.units(source)
    kinds = [(u.kind, u.where(0)[0]) for u in units]
    assert ("admonition", 10) in kinds and ("admonition", 11) in kinds  # one unit per admonition line
    assert ("item", 13) in kinds and ("row", 27) in kinds
    assert ("heading", 1) in kinds and ("heading", 3) in kinds  # the claims check finds their citation below them
    assert not [k for k in kinds if k[1] in (9, 20)]  # the admonition's title, code


def test_a_chapters_notebooks_follow_its_first_links(tmp_path):
    (tmp_path / "manuscript").mkdir()
    chapter = tmp_path / "manuscript" / "ch05-x.md"
    chapter.write_text("# 第5章\n\n主演示 [b](../code/ch05-x/b.ipynb)，再看 [a](../code/ch05-x/a.ipynb#top) "
                       "和 [b 又一次](../code/ch05-x/b.ipynb)。\n", encoding="utf-8")
    folder = tmp_path / "code" / "ch05-x"
    notebooks = [folder / name for name in ("a.ipynb", "b.ipynb", "c.ipynb", "0.ipynb")]
    book = Book(Repo(tmp_path))
    assert [p.name for p in book.in_link_order(chapter, notebooks)] == ["b.ipynb", "a.ipynb", "0.ipynb", "c.ipynb"]
