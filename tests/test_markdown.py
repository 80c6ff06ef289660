"""The one Markdown reader: its inline shortcut gives the inline rules' own children; plugins are on."""
from __future__ import annotations

import pytest

from book.reading import markdown
from book.reading.repo import Repo
from conftest import ROOT

INLINE_CASES = ["纯文本 30%，没有标记。", "成本 $3 <!-- no-cite: 作者估算 --> 之后", "文字<!--紧贴-->文字", "前 <!-- 没有结束",
                "注释 <!-- a --> 和标签 <b>粗</b>", "注释里有代码 <!-- `x` --> 后", "短注释 <!--> 与 <!---> 之后",
                "两个 <!-- a --> 和 <!-- b -->", "第一行\n第二行 <!-- c -->\n  第三行", "[@ark-big-ideas-2026, p. 3] 引用 <!-- x -->",
                "注释后有代码 <!-- x --> `30%`", "奇怪的 <!-- -- --> 注释", "链接 [a](http://x/30%) <!-- x -->",
                "<https://a.b/5%> <!-- x -->", "公式 \\(a\\) <!-- x -->", "引用 [ref] 与 <!-- x -->\n\n[ref]: http://x",
                "**粗体** 与 *斜体* 30%", "a_b 与 &amp; 实体", "行尾两个空格  \n换行", "图片 ![替代文字](a.png) 之后",
                "转义 \\* 星号", "- [ ] 待办 30%\n- [x] 已完成", "- [X] 大写\n- [ ]没有空格", "行一\r\n行二\r行三 30%",
                "空字符\0在这里", "公式\n\n\\[\nx^2\n\\]\n\n之后", "图片 ![替代 \\*文字\\* 与 `码`](a.png) 之后"]


def same_as_the_inline_rules(text: str) -> None:
    def shown(tokens):
        return [(t.type, t.map, t.content, t.attrs, [(c.type, c.content, [(g.type, g.content) for g in c.children or []])
                                                     for c in t.children or []]) for t in tokens]
    assert shown(markdown.parse(text)) == shown(markdown.markdown(shortcut=False).parse(text, {})), text


@pytest.mark.parametrize("text", INLINE_CASES)
def test_inline_shortcut_gives_the_rules_children(text):
    same_as_the_inline_rules(text)


def test_inline_shortcut_on_the_book():
    for path in Repo(ROOT).prose_files():
        same_as_the_inline_rules(path.read_text(encoding="utf-8"))


def test_plugins_front_matter_admonitions_tasklists_math_tables():
    tokens = markdown.parse('---\ntitle: x\n---\n\n!!! note "标题"\n    正文\n\n- [ ] 待办\n\n'
                            '| a | b |\n|---|---|\n| 1 | 2 |\n\n公式 \\(x^2\\)\n\n\\[\ny\n\\]\n')
    types = [t.type for t in tokens]
    assert types[0] == "front_matter"
    assert "admonition_open" in types and "table_open" in types and "math_block" in types
    item = next(t for t in tokens if t.type == "list_item_open")
    assert "task-list-item" in item.attrGet("class")
    assert any(c.type == "math_inline" for t in tokens if t.type == "inline" for c in t.children)


def test_code_lines_cover_fences_and_display_math():
    tokens = markdown.parse("正文\n\n```\n30%\n```\n\n\\[\nx\n\\]\n")
    assert markdown.code_lines(tokens) == {3, 4, 5, 7, 8, 9}
