"""Claims where the reader sees them but plain prose rules did not reach: headings and raw HTML (blocks and inline,
text and shown attributes). Exact (line, col, code, severity) on fixture text."""
from __future__ import annotations

import pytest

from book.checks import claims
from book.reading.book import Book
from book.reading.repo import Repo
from conftest import ROOT


def check(tmp_path, text: str, strict: bool = False):
    path = tmp_path / "x.md"
    path.write_text(text, encoding="utf-8")
    result = claims.check(Book(Repo(ROOT), [path]), strict=strict)
    return sorted((f.line, f.col, f.code, f.severity) for f in result.findings), result.claims


HEADINGS = """\
# 第9章 标题

### 小结：成本下降了 99%

这一句没有来源。

## 9.2 吞吐提升 3 倍

吞吐提升的来源在这里 [@ark-big-ideas-2026, p. 6]。第二句 [@ark-big-ideas-2026, p. 7]。

## 9.3 延迟下降 40% [@ark-big-ideas-2026, p. 8]

正文。

## 9.4 成本下降 50%

### 9.4.1 子节

- **9.4.2 还有86%的空间**
  - 到 2030 年约 86% [@ark-big-ideas-2026, p. ?]
- **9.4.3 又一个 20%**
  - 没有来源的说明
"""


def test_a_figure_in_a_heading_needs_a_citation_in_the_first_sentence_under_it(tmp_path):
    rows, ledger = check(tmp_path, HEADINGS)
    assert rows == [
        (3, 14, "uncited-claim", "error"),      # the sentence under it cites nothing
        (15, 13, "uncited-claim", "error"),     # a subheading follows at once: nothing under it cites
        (20, 19, "pending-citation", "warning"),
        (21, 15, "uncited-claim", "error"),     # a bold numbered title is a heading too
    ]
    status = {(c.line, c.figure): c.status for c in ledger}
    assert status[(7, "3 倍")] == "cited"       # cited by the first sentence under it (not the second)
    assert status[(11, "40%")] == "cited"       # the heading cites itself
    assert status[(19, "86%")] == "pending"     # the item under a bold title


def test_only_the_first_sentence_under_a_heading_counts(tmp_path):
    rows, _ = check(tmp_path, "## 9.1 成本下降 99%\n\n第一句没有来源。第二句有 [@ark-big-ideas-2026, p. 6]。\n")
    assert rows == [(1, 13, "uncited-claim", "error")]


def test_a_heading_that_ends_a_written_file_is_uncited(tmp_path):
    assert check(tmp_path, "# 第2章 硬件\n\n正文。\n\n### 小结：成本下降了 99%\n")[0] == [(5, 14, "uncited-claim", "error")]


def test_an_uncited_heading_is_told_where_its_citation_goes(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("# 第2章 硬件\n\n正文。\n\n### 小结：成本下降了 99%\n", encoding="utf-8")
    [found] = claims.check(Book(Repo(ROOT), [path]), strict=False).findings
    assert "标题下的第一句" in found.message  # not "the same sentence", which a heading cannot hold


def test_an_outline_warns_until_strict(tmp_path):
    """A file of headings alone is not written yet: its headings' figures are warnings, errors under STRICT."""
    outline = "# 第2章 硬件\n\n## 2.1 为什么 90% 的团队选错了 GPU\n\n## 2.2 显存占 70%\n"
    assert check(tmp_path, outline)[0] == [(3, 12, "uncited-claim", "warning"), (5, 12, "uncited-claim", "warning")]
    assert check(tmp_path, outline, strict=True)[0] == [(3, 12, "uncited-claim", "error"), (5, 12, "uncited-claim", "error")]


def test_a_quoted_structure_is_not_a_heading(tmp_path):
    """A numbered title listed in a proposal names a heading that is checked where it stands."""
    assert check(tmp_path, "新结构：\n\n1. 1.1 开篇案例：Toast的100倍ROI\n2. 1.2 推理的经济学\n")[0] == []


HTML = """\
<div>成本下降了 99%</div>

<img src="x.png" alt="成本下降 50%" title="延迟 120ms">

段落里 <img alt="提速 20 倍"> 的图。

<p>第一句 90% [@ark-big-ideas-2026, p. 6]。<b>第二句</b> 80%。</p>

> <div>引用里 &amp; 40%</div>

<pre>代码 30%</pre>

<!-- 注释 60% -->

<div title="有来源 70% [@ark-big-ideas-2026, p. 9]">正文 <code>3x</code> 没有数字。</div>

段落 <code>5x</code> 与 <kbd>6x</kbd> 是代码。
"""


def test_claims_in_raw_html_are_checked_like_prose(tmp_path):
    rows, ledger = check(tmp_path, HTML)
    assert rows == [
        (1, 12, "uncited-claim", "error"),      # the text of a block
        (3, 28, "uncited-claim", "error"),      # alt
        (3, 43, "uncited-claim", "error"),      # title
        (5, 18, "uncited-claim", "error"),      # an inline image's alt is part of its sentence
        (7, 51, "uncited-claim", "error"),      # sentences split inside a block; the citation covers the first
        (9, 18, "uncited-claim", "error"),      # in a blockquote, after an entity
    ]
    assert {(c.line, c.figure): c.status for c in ledger}[(15, "70%")] == "cited"


def test_an_inline_html_alt_shares_its_sentences_citation(tmp_path):
    assert check(tmp_path, '成本 <img alt="下降 99%" src="a.png"> [@ark-big-ideas-2026, p. 6]。\n')[0] == []


@pytest.mark.parametrize("text", ["<div title='未闭合 50%>正文\n", "<a href=\"x\" title=\"99%\n", "<div>&#99999999; 9%</div>\n",
                                  "<<<>>>\n", "<img alt=>\n", "<pre>\n"])
def test_broken_html_is_read_without_a_crash(tmp_path, text):
    check(tmp_path, text)


PENDING_FREE_FORM = """\
# 第9章 标题

推理支出将增长 35%（来源：ARK报告第?页）。

推理支出将增长 36%（ARK 报告第 ？ 页），之后趋缓。

推理支出将增长 37%（来源：ARK报告第？页）。真的吗？是的 38%。
"""


def test_the_question_mark_of_a_free_form_pending_page_does_not_end_the_sentence(tmp_path):
    rows, ledger = check(tmp_path, PENDING_FREE_FORM)
    assert [(line, code) for line, _, code, _ in rows] == [
        (3, "pending-citation"),      # 第?页: the figure before it is pending, not uncited
        (5, "pending-citation"),      # full-width ？ with spaces
        (7, "pending-citation"),
        (7, "uncited-claim"),         # a real question mark still ends a sentence: 38% is in the next one
    ]
    assert {c.figure: c.status for c in ledger} == {"35%": "pending", "36%": "pending", "37%": "pending",
                                                    "38%": "uncited"}


# A figure is its number and the unit that governs it, wherever that unit stands in its sentence or table.

GOVERNED = """\
# 第9章 标题

吞吐量达到 1,200 tokens/s。

每秒生成约 1,200 个 token。

请求速率提升到每秒 2,000。

吞吐（tokens/s）为 1,200。

每分钟处理 1,200 tokens/min。

| 配置 | 吞吐 (tokens/s) | 延迟（ms） | 备注 |
|---|---|---|---|
| 基线 | 1,200 |  | 3 台 |
| 批处理 | 约 3,400 | 12.5 | 见第 2 步 |

单价为每小时单价 ÷ 3600，再乘以每秒查询数 × 1000。
"""


def test_a_figure_is_found_by_the_unit_that_governs_it(tmp_path):
    findings, found = check(tmp_path, GOVERNED)
    assert [(c.line, c.col, c.figure, c.kind) for c in found] == [
        (3, 7, "1,200 tokens/s", "rate"),          # a rate with a thousands separator
        (5, 7, "1,200", "rate"),                   # words between the unit and the number
        (7, 11, "2,000", "rate"),
        (9, 15, "1,200", "rate"),                  # the unit before the number, in brackets
        (11, 7, "1,200 tokens/min", "rate"),
        (15, 8, "1,200", "rate"),                  # the column's header names the unit
        (16, 11, "3,400", "rate"), (16, 19, "12.5", "latency")]
    assert all(code == "uncited-claim" for _, _, code, _ in findings) and len(findings) == len(found)
