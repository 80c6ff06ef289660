"""The README is the author's guide: short, in the order an author needs it, and every page it links to exists."""
from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_author_first():
    assert len(README.splitlines()) <= 160
    outside_code = re.sub(r"^```.*?^```", "", README, flags=re.M | re.S)
    headings = re.findall(r"^## (.+)$", outside_code, re.M)
    assert headings == ["准备（第一次）", "每天的流程", "正常的输出", "写目录", "引用数据", "链接到别的章节", "新的一章",
                        "排查问题", "参考"], headings
    for needed in ("Python 3.11", "WSL2", "macOS", "make help", "short:", "aliases:", "paged:", "make serve"):
        assert needed in README, needed


def test_every_page_the_readme_links_to_exists():
    pages = re.findall(r"\]\((docs/[^)#]+)\)", README)
    assert len(set(pages)) >= 8
    for page in set(pages):
        assert (ROOT / page).read_text(encoding="utf-8").startswith("# "), page
