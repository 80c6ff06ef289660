"""The message catalogue: every message in Chinese and English with the same parameters; Chinese by default."""
from __future__ import annotations

import re
import string

from book import messages
from conftest import ROOT

PACKAGE = ROOT / "tools" / "book"


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_has_both_languages_with_the_same_parameters():
    for message_id, texts in messages.MESSAGES.items():
        assert set(texts) == {"zh", "en"}, message_id
        assert texts["zh"].strip() and texts["en"].strip(), message_id
        assert fields(texts["zh"]) == fields(texts["en"]), message_id


def used_ids() -> set[str]:
    """Every message id the toolchain names in its code."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name == "messages.py":
            continue
        found |= set(re.findall(r"""["']((?:file|word|[a-z]+(?:-[a-z]+)+)(?::[a-z0-9-]+)?)["']""",
                                path.read_text(encoding="utf-8")))
    return {i for i in found if i in messages.MESSAGES or ":" in i}


def test_every_id_the_code_names_is_in_the_catalogue():
    missing = sorted(i for i in used_ids() if i not in messages.MESSAGES)
    assert not missing, missing


def test_every_documented_code_has_a_message():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    codes = {messages.code_of(i) for i in messages.MESSAGES}
    documented = set(re.findall(r"`((?:toc|claims|source|results|notebook|nbval|site)-[a-z-]+|uncited-claim|"
                                r"unknown-source|missing-page|bad-page|pending-citation|no-cite-reason)`", readme))
    assert documented and documented <= codes | {"claims-read", "nbval-*"}, documented - codes


def test_chinese_by_default_english_on_request(monkeypatch):
    monkeypatch.delenv("BOOK_LANG", raising=False)
    assert messages.say("uncited-claim", figure="35%").startswith("数据“35%”需要在同一句中注明带页码的来源")
    monkeypatch.setenv("BOOK_LANG", "en")
    assert messages.say("uncited-claim", figure="35%").startswith("'35%' needs a source")
    f = messages.finding("ch01.md", 19, 1, "error", "bad-page:past-end", page=200, pages=150, key="ark")
    assert (f.code, f.render()) == ("bad-page", "ch01.md:19:1: error bad-page page 200 is past the last page (150) of ark")
