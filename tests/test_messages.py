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
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""["']((?:file|word|[a-z]+(?:-[a-z]+)+)(?::[a-z0-9-]+)?)["']""", text))
        # ids named with a colon whatever their prefix (`report:ok`, `check:passed`), and ids built from a prefix
        found |= {i for i in re.findall(r"""say\(\s*f?["']([a-z-]+:[a-z0-9-]+)["']""", text)}
    return {i for i in found if i in messages.MESSAGES or ":" in i}


def test_every_id_the_code_names_is_in_the_catalogue():
    missing = sorted(i for i in used_ids() if i not in messages.MESSAGES)
    assert not missing, missing


def test_every_documented_code_has_a_message():
    readme = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")  # the reference list of every code
    codes = {messages.code_of(i) for i in messages.MESSAGES}
    documented = set(re.findall(r"`((?:toc|claims|source|results|notebook|nbval|site)-[a-z-]+|uncited-claim|"
                                r"unknown-source|missing-page|bad-page|pending-citation|no-cite-reason)`", readme))
    assert documented and documented <= codes | {"claims-read", "nbval-*", "nbval-ignore-output"}, documented - codes


def test_chinese_by_default_english_on_request(monkeypatch):
    monkeypatch.delenv("BOOK_LANG", raising=False)
    assert messages.say("uncited-claim", figure="35%").startswith("数据“35%”需要在同一句中注明带页码的来源")
    monkeypatch.setenv("BOOK_LANG", "en")
    assert messages.say("uncited-claim", figure="35%").startswith("'35%' needs a source")
    f = messages.finding("ch01.md", 19, 1, "error", "bad-page:past-end", page=200, pages=150, key="ark")
    assert (f.code, f.render()) == ("bad-page", "ch01.md:19:1: error bad-page page 200 is past the last page (150) of ark")


def test_ids_built_from_a_prefix_exist():
    """The ids the code builds (`check:step-{name}`, `progress:{kind}`, `why:{change}`) for every value it uses."""
    from book.commands import check
    for name, _ in check.STEPS:
        assert f"check:step-{name}" in messages.MESSAGES, name
    for kind in ("cached", "waiting", "running", "passed", "failed", "training", "ready", "note"):
        assert f"progress:{kind}" in messages.MESSAGES, kind
    for change in ("changed", "added", "removed"):
        assert f"why:{change}" in messages.MESSAGES, change
    for kind in ("draft", "release"):
        assert f"site:kind-{kind}" in messages.MESSAGES, kind


def test_no_english_sentence_is_printed_outside_the_catalogue():
    """print, console.print, ToolError and the reporter take their words from the catalogue: a string literal of
    English words (three or more) handed to them directly is a message that BOOK_LANG cannot switch."""
    sentence = re.compile(r"""(?:print|ToolError|ValueError|ValidationError|GlossaryError)\(\s*f?["'][^"'\n]*"""
                          r"""[A-Za-z]+ [A-Za-z]+ [A-Za-z]+""")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "messages.py" or path.parent.name == "execution" and path.name == "keys.py":
            continue  # keys.py: standard library only (it runs on a bare GPU machine); its errors are wrapped
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if sentence.search(line) and "say(" not in line and "# not shown" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
