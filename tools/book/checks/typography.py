"""Typography of the book's Chinese prose, checked with autocorrect (the field's CJK copywriting linter).

The conventions of Chinese technical publishing: a space between Chinese and Latin letters or digits
(`使用 GPU 推理`), full-width punctuation in Chinese sentences (`，` not `,`), half-width letters and digits, no
space between a number and `%`, and every glossary term written one way (`KV Cache`, not `kv cache`).

autocorrect reads the whole file with its own Markdown grammar and proposes changes; this module keeps the ones that
fall in prose as the reading layer maps it (reading.prose_map: code, math, link targets, citations, front matter, HTML
and comments are not prose, and `lint-ignore` is one of its directives): none of those is ever touched. Two rules autocorrect does not have live here: the `%` rule and the glossary.

A change is an `Edit` (offsets into the text, the replacement, a code); `lint` turns edits into located issues,
`fix` applies them. A line that carries `<!-- lint-ignore: 理由 -->` is left as written.
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import autocorrect_py

from ..findings import ERROR, WARNING, Finding, strict
from ..messages import finding, os_reason, say
from ..reading import prose_map
from ..reading.citations import Citations
from ..reading.sources import Registry
from ..reading.textio import YamlProblem, node_line, read_yaml

GLOSSARY_FILE = "manuscript/glossary.yaml"

# autocorrect's rules (0 off, 1 on). Spaces are added around half-width brackets by default; in Chinese prose the
# brackets belong full-width (（…）), so that rule would only push the wrong fix. Its spellcheck is off: the glossary
# below does that job with the book's own list, and autocorrect's word list cannot be unloaded once loaded.
AUTOCORRECT_CONFIG = {
    "rules": {
        "space-word": 1, "space-punctuation": 1, "space-bracket": 0, "space-backticks": 1, "space-dash": 1,
        "fullwidth": 1, "no-space-fullwidth": 1, "no-space-fullwidth-quote": 1, "halfwidth-word": 1,
        "halfwidth-punctuation": 1, "spellcheck": 0,
    },
}

CODES = ("typo-space", "typo-space-extra", "typo-punct", "typo-width", "typo-percent", "typo-number", "typo-term",
         "typo-abbr", "typo-other", "typo-ignore-reason")
EXACT = ("typo-term", "typo-abbr")  # codes whose issue shows the replaced words themselves, one issue each

HALF_TO_FULL = {",": "，", ".": "。", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）",
                "[": "【", "]": "】", '"': "”", "'": "’"}


# ---------------------------------------------------------------------------------------------------------------
# The glossary


class GlossaryError(Exception):
    """The glossary cannot be read; the message names the file and, where known, its line and column."""


@dataclass(frozen=True)
class Term:
    """A term as the book writes it. `pattern` finds it and the variants to be written as `canonical`; `rewrites`
    are aliases with a replacement of their own (`发射` → `启动` for the term `kernel 启动`). `en` and `abbr` are what
    appendix A shows beside the term; a term without `en` only fixes a spelling and is not listed there."""
    canonical: str
    pattern: re.Pattern
    rewrites: tuple[tuple[re.Pattern, str], ...] = ()
    en: str | None = None
    abbr: str | None = None

    @property
    def listed(self) -> bool:
        return self.en is not None

    def used_in(self, text: str) -> bool:
        """Whether the text uses the term, in any of its spellings."""
        return any(p.search(text) for p in [self.pattern, *(p for p, _ in self.rewrites)])


@dataclass(frozen=True)
class Glossary:
    path: str = GLOSSARY_FILE
    terms: tuple[Term, ...] = ()
    keep: tuple[re.Pattern, ...] = ()

    @classmethod
    def parse(cls, text: str, shown: str = GLOSSARY_FILE) -> "Glossary":
        try:
            root, data = read_yaml(text)
        except YamlProblem as exc:
            raise GlossaryError(say("glossary:yaml", where=f"{shown}:{exc.line + 1}:{exc.col + 1}", problem=exc.problem)) from None
        data = data or {}

        def fail(path: list, problem: str):
            line = node_line(root, path) if root is not None else 1
            return GlossaryError(f"{shown}:{line}:1: {problem}")

        if not isinstance(data, dict):
            raise fail([], say("glossary:not-mapping"))
        unknown = sorted(map(str, set(data) - {"terms", "keep"}))
        if unknown:
            raise fail([unknown[0]], say("glossary:unknown-keys", keys=", ".join(unknown)))
        terms_data = data.get("terms") or {}
        if not isinstance(terms_data, dict):
            raise fail(["terms"], say("glossary:terms"))
        terms = []
        for canonical, entry in terms_data.items():
            if not isinstance(canonical, str) or not canonical.strip():
                raise fail(["terms", canonical], say("glossary:term", term=canonical))
            terms.append(parse_term(canonical, entry, lambda problem, *at: fail(["terms", canonical, *at], problem)))
        keep_data = data.get("keep") or []
        if not isinstance(keep_data, list) or not all(isinstance(k, str) for k in keep_data):
            raise fail(["keep"], say("glossary:keep"))
        keep = []
        for k, pattern in enumerate(keep_data):
            try:
                keep.append(re.compile(pattern))
            except re.error as exc:
                raise fail(["keep", k], say("glossary:keep-regex", pattern=pattern, problem=say("glossary:regex-at", pos=(exc.pos or 0) + 1))) from None
        return cls(shown, tuple(terms), tuple(keep))

    @classmethod
    def load(cls, path: Path, shown: str = GLOSSARY_FILE) -> "Glossary":
        """The glossary at `path`; none there means no terms and nothing kept."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(shown)
        except UnicodeDecodeError as exc:
            raise GlossaryError(say("glossary:unreadable", where=f"{shown}:1:1",
                                    reason=say("file-encoding", byte=f"{exc.object[exc.start]:02x}"))) from None
        except OSError as exc:
            raise GlossaryError(say("glossary:unreadable", where=f"{shown}:1:1", reason=os_reason(exc))) from None
        return cls.parse(text, shown)


TERM_KEYS = {"en", "abbr", "aliases"}


def parse_term(canonical: str, entry, fail) -> Term:
    """One entry of `terms`: nothing, a list of variants, or a mapping with `en`, `abbr` and `aliases` (a list of
    variants written as the term, or a mapping of alias to its own replacement)."""
    def text(value) -> bool:  # a spelling needs a word, not only spaces and hyphens
        return isinstance(value, str) and bool(value.strip(" \t\n-"))

    if not text(canonical):
        raise fail(say("glossary:term", term=canonical))
    if entry is None or isinstance(entry, list):
        entry = {"aliases": entry or []}
    if not isinstance(entry, dict) or set(map(str, entry)) - TERM_KEYS:
        raise fail(say("glossary:term", term=canonical))
    for key in ("en", "abbr"):
        if key in entry and not text(entry[key]):
            raise fail(say("glossary:term-field", term=canonical, key=key), key)
    aliases = entry.get("aliases") or []
    if isinstance(aliases, list) and all(map(text, aliases)):
        variants, rewrites = aliases, {}
    elif isinstance(aliases, dict) and all(text(k) and text(v) for k, v in aliases.items()):
        variants, rewrites = [], aliases
    else:
        raise fail(say("glossary:term", term=canonical), "aliases")
    return Term(canonical, term_pattern(canonical, variants),
                tuple((term_pattern(alias, []), new) for alias, new in rewrites.items()),
                entry.get("en"), entry.get("abbr"))


def spelling(form: str) -> str:
    """A spelling in any case and with any spacing or hyphen between its words; where it begins or ends with a Latin
    letter or digit, not inside a longer word or a name (`token` is not found in `tokens`, `kv_cache` or
    `kv-cache.md`). A Chinese end needs no such guard: Chinese words are not separated by spaces."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", form.strip()) if w]
    core = r"[\s-]*".join(words)
    head = r"(?<![\w./-])" if form.strip()[0].isascii() and form.strip()[0].isalnum() else ""
    tail = r"(?![\w/-]|\.\w)" if form.strip()[-1].isascii() and form.strip()[-1].isalnum() else ""
    return head + "(?:" + core + ")" + tail


def term_pattern(canonical: str, variants: list[str]) -> re.Pattern:
    """The term, or one of the listed variants, each in any case and spacing (see `spelling`)."""
    return re.compile("|".join(spelling(form) for form in [canonical, *variants]), re.IGNORECASE)


# ---------------------------------------------------------------------------------------------------------------
# Where the prose is


def line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


# ---------------------------------------------------------------------------------------------------------------
# Edits


@dataclass(frozen=True, order=True)
class Edit:
    start: int        # offset of the first character replaced, or of the insertion point
    end: int          # offset after the last character replaced (== start for an insertion)
    new: str
    code: str = field(compare=False)


@dataclass(frozen=True)
class Issue:
    line: int         # 1-based
    col: int          # 1-based, in code points
    code: str
    old: str          # the text around the change as written …
    new: str          # … and as it should read
    edits: tuple[Edit, ...]


@cache
def autocorrect_ready() -> None:
    autocorrect_py.load_config(json.dumps(AUTOCORRECT_CONFIG))


def autocorrect_edits(text: str, starts: list[int], tokens: list) -> list[Edit]:
    """autocorrect's changes to the file, one edit per changed stretch of characters.

    autocorrect would read the indented body of an admonition (`!!! note`) as code, so it is given the text with
    those bodies dedented, and its positions are carried back to the file."""
    autocorrect_ready()
    strip = admonition_indents(text, starts, tokens)
    if strip:
        lines = text.split("\n")
        view = "\n".join(line[strip.get(k, 0):] for k, line in enumerate(lines))
        view_starts = line_starts(view)

        def to_text(offset: int) -> int:
            line = bisect_right(view_starts, offset) - 1
            return starts[line] + strip.get(line, 0) + offset - view_starts[line]
    else:
        view, view_starts = text, starts

        def to_text(offset: int) -> int:
            return offset
    edits = []
    for result in autocorrect_py.lint_for(view, "md").lines:
        old, new = result.old, result.new
        at = locate(view, view_starts, result.line, result.col, old)
        if at < 0:
            continue  # a change autocorrect reports where the file does not hold it: leave it
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                start = to_text(at + i1)
                end = start + (i2 - i1) if "\n" not in old[i1:i2] else to_text(at + i2)
                edits.append(Edit(start, end, new[j1:j2], classify(old[i1:i2], new[j1:j2])))
    return edits


def admonition_indents(text: str, starts: list[int], tokens: list) -> dict[int, int]:
    """0-based line -> the spaces that indent it as the body of an admonition (the innermost one)."""
    strip: dict[int, int] = {}
    for token in tokens:
        if token.type != "admonition_open" or not token.map:
            continue
        first, last = token.map
        marker = text[starts[first]:starts[first + 1] if first + 1 < len(starts) else len(text)]
        indent = len(marker) - len(marker.lstrip(" ")) + 4
        for line in range(first + 1, last):
            end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            if text.startswith(" " * indent, starts[line]) or not text[starts[line]:end].strip():
                strip[line] = max(strip.get(line, 0), min(indent, end - starts[line]))
    return {k: v for k, v in strip.items() if v}


def locate(text: str, starts: list[int], line: int, col: int, old: str) -> int:
    """Offset of autocorrect's changed stretch: at its reported line and column, or else the first place on that line
    that holds it (autocorrect reports column 1 for a list item's continuation line)."""
    if not 1 <= line <= len(starts):
        return -1
    line_start = starts[line - 1]
    at = line_start + col - 1
    if text.startswith(old, at):
        return at
    line_end = starts[line] - 1 if line < len(starts) else len(text)
    found = text.find(old, line_start)
    return found if 0 <= found <= line_end else -1


def classify(old: str, new: str) -> str:
    if not old and new.isspace():
        return "typo-space"
    if old.isspace() and not new:
        return "typo-space-extra"
    if old and len(old) == len(new) and all(HALF_TO_FULL.get(a) == b or a == b for a, b in zip(old, new)):
        return "typo-punct"
    if old and unicodedata.normalize("NFKC", old) == new:
        return "typo-width"
    return "typo-other"


PERCENT_SPACE = re.compile(r"(?<=[0-9０-９])[ \t\u00a0\u3000]+(?=[%％])")


def percent_edits(text: str) -> list[Edit]:
    return [Edit(m.start(), m.end(), "", "typo-percent") for m in PERCENT_SPACE.finditer(text)]


# A range of two numbers, as GB/T 15835-2011 (数字用法) and GB/T 15834-2011 (标点) write it: a wavy dash between
# numbers (`2～3 倍`, `60%～80%`, `$2～$5`: a % or currency sign is not left off the first number), an em dash between
# years (`2018—2023 年`). Not a range: model names and versions (`Llama-2-7B`, `GPT-4`), dates (`2026-11-27`), code;
# an em dash between other numbers is left as written (a span of sections, 9.1—9.4).
NUMBER_RANGE = re.compile(
    r"(?<![\w.\-/~～—])(?P<cur>[$¥￥€£]?)(?P<a>\d+(?:\.\d+)?)(?P<pa>%?)"
    r"(?P<dash>\s*[-–~～—]\s*)(?P<cur2>[$¥￥€£]?)(?P<b>\d+(?:\.\d+)?)(?P<pb>%?)"
    r"(?![\d.]\d|[\-/]\d|[A-Za-z]*\d)(?P<year>\s*年)?")
YEAR = re.compile(r"(?:19|20)\d\d")


def number_edits(text: str) -> list[Edit]:
    edits = []
    for m in NUMBER_RANGE.finditer(text):
        years = m["year"] and not m["cur"] and not m["pb"] and YEAR.fullmatch(m["a"]) and YEAR.fullmatch(m["b"])
        dash = "—" if years else "～"
        if m["dash"] != dash and (years or "—" not in m["dash"]):  # an em dash between numbers: a span of sections
            edits.append(Edit(m.start("dash"), m.end("dash"), dash, "typo-number"))
        if m["pb"] and not m["pa"]:
            edits.append(Edit(m.end("a"), m.end("a"), "%", "typo-number"))
        if m["cur"] and not m["cur2"]:
            edits.append(Edit(m.start("b"), m.start("b"), m["cur"], "typo-number"))
    return edits


def term_edits(text: str, glossary: Glossary) -> list[Edit]:
    edits = []
    for term in glossary.terms:
        for pattern, new in [(term.pattern, term.canonical), *term.rewrites]:
            for m in pattern.finditer(text):
                if m[0] != new:
                    edits.append(Edit(m.start(), m.end(), new, "typo-term"))
    return edits


def abbreviation_edits(text: str, glossary: Glossary, mask: bytearray, starts: list[int], tokens: list) -> list[Edit]:
    """A term's abbreviation is introduced with the term at its first use in a file (`首 token 延迟（TTFT）`, then
    `TTFT`): where a file's prose uses the abbreviation first on its own, the term is written before it. Headings may
    use the abbreviation alone: they are not where a reader is told what it stands for."""
    headings = {line for token in tokens if token.type == "heading_open" and token.map for line in range(*token.map)}
    edits = []
    for term in glossary.terms:
        if not term.abbr:
            continue
        for m in re.finditer(r"(?<![\w-])" + re.escape(term.abbr) + r"(?![\w-])", text, re.ASCII):
            if not mask[m.start()] or bisect_right(starts, m.start()) - 1 in headings:
                continue
            before = text[max(0, m.start() - 4 * len(term.canonical) - 8):m.start()]
            introduced = re.search(r"(?:" + term.pattern.pattern + r")\s*[（(]\s*$", before, re.IGNORECASE)
            if not introduced:
                start = m.start()
                if CJK.match(term.canonical) and text[start - 2:start - 1] and text[start - 1] == " " \
                        and unicodedata.east_asian_width(text[start - 2]) in ("W", "F"):
                    start -= 1  # the space that set the Latin abbreviation off from Chinese goes with it
                edits.append(Edit(start, m.end(), f"{term.canonical}（{term.abbr}）", "typo-abbr"))
            break
    return edits


def in_prose(edit: Edit, mask: bytearray) -> bool:
    """A replacement or deletion must lie wholly in prose; an insertion needs prose on at least one side."""
    if edit.end > edit.start:
        return all(mask[edit.start:edit.end])
    before = mask[edit.start - 1] if edit.start > 0 else 0
    after = mask[edit.start] if edit.start < len(mask) else 0
    return bool(before or after)


def kept(edit: Edit, spans: list[tuple[int, int]]) -> bool:
    """Whether a `keep` pattern of the glossary covers the edit."""
    for a, b in spans:
        if edit.end > edit.start and a <= edit.start and edit.end <= b:
            return True
        if edit.end == edit.start and a < edit.start < b:
            return True
    return False


def ignored_lines(prose: prose_map.ProseMap) -> tuple[set[int], list[int]]:
    """0-based lines that carry a lint-ignore directive, and the offsets of those that give no reason."""
    found = prose.directives_of("lint-ignore")
    return {d.line - 1 for d in found}, [d.start for d in found if not d.note]


def read(text: str, citations: Citations | None = None) -> prose_map.ProseMap:
    """The text's prose map. Without the book's citation reader (a registry that cannot be read), citations are
    read against an empty registry: every canonical `[@…]` and every `（来源：…第N页）` is still a citation."""
    return prose_map.build(text, citations or Citations(Registry()))


def edits(text: str, glossary: Glossary, starts: list[int] | None = None,
          prose: prose_map.ProseMap | None = None) -> tuple[list[Edit], list[int]]:
    """The changes the book's typography asks of the text (sorted, not overlapping), and the offsets of lint-ignore
    comments without a reason. `prose`: the text's prose map, when the Book already holds it."""
    starts = starts or line_starts(text)
    prose = prose or read(text)
    tokens = prose.document.tokens
    mask = prose.mask()
    found = autocorrect_edits(text, starts, tokens) + percent_edits(text) + number_edits(text) \
        + term_edits(text, glossary) + abbreviation_edits(text, glossary, mask, starts, tokens)
    spans = [m.span() for pattern in glossary.keep for m in pattern.finditer(text)]
    ignore, bare = ignored_lines(prose)
    out: list[Edit] = []
    last_end = -1
    for edit in sorted(found):
        if not in_prose(edit, mask) or (spans and kept(edit, spans)):
            continue
        if ignore and (bisect_right(starts, edit.start) - 1) in ignore:
            continue
        if edit.start < last_end or (out and edit.start == out[-1].start and edit.end == edit.start == out[-1].end):
            continue  # overlaps a change already taken
        out.append(edit)
        last_end = edit.end
    return out, bare


# ---------------------------------------------------------------------------------------------------------------
# Lint and fix

CJK = re.compile(r"[\u2e80-\u2fff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")  # letters, not marks


def char_class(ch: str) -> str:
    if ch.isspace():
        return "space"
    if CJK.match(ch):
        return "cjk"
    if ch.isalnum() or ch in "%％":
        return "word"
    return "mark"


# How far the context of a change reaches on each side (a whole Latin word, a few Chinese characters, one mark).
REACH = {"cjk": 4, "word": 16, "mark": 1, "space": 0}


def lint(text: str, glossary: Glossary, prose: prose_map.ProseMap | None = None) -> list[Issue]:
    """The text's typography issues in order. Changes of one kind close together on a line (`Toast的100倍ROI` needs
    four spaces) are one issue, located at the first of them. `prose`: the text's prose map, if already made."""
    starts = line_starts(text)
    found, bare = edits(text, glossary, starts, prose)
    issues: list[Issue] = []
    for group in groups(text, found):
        first, last = group[0], group[-1]
        line = bisect_right(starts, first.start) - 1
        line_start = starts[line]
        line_end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        if first.code in EXACT:
            a, b = first.start, first.end
        else:
            a, b = context(text, first, last, line_start, line_end)
        new = apply(text[a:b], [Edit(e.start - a, e.end - a, e.new, e.code) for e in group])
        issues.append(Issue(line + 1, first.start - line_start + 1, first.code, text[a:b], new, tuple(group)))
    for at in bare:
        line = bisect_right(starts, at) - 1
        issues.append(Issue(line + 1, at - starts[line] + 1, "typo-ignore-reason", "", "", ()))
    return sorted(issues, key=lambda i: (i.line, i.col, i.code))


GROUP_GAP = 8  # at most this many letters or digits (no space, no punctuation) between two changes of one issue


def groups(text: str, found: list[Edit]) -> list[list[Edit]]:
    out: list[list[Edit]] = []
    for edit in found:
        if out and edit.code == out[-1][-1].code and edit.code not in EXACT:
            gap = text[out[-1][-1].end:edit.start]
            if len(gap) <= GROUP_GAP and all(char_class(ch) in ("cjk", "word") for ch in gap):
                out[-1].append(edit)
                continue
        out.append([edit])
    return out


def context(text: str, first: Edit, last: Edit, line_start: int, line_end: int) -> tuple[int, int]:
    """The stretch of its line that shows a change: the run of characters of one kind on each side of it."""
    a = first.start
    if a > line_start:
        kind = char_class(text[a - 1])
        while a > line_start and first.start - a < REACH[kind] and char_class(text[a - 1]) == kind:
            a -= 1
    b = last.end
    if b < line_end:
        kind = char_class(text[b])
        while b < line_end and b - last.end < REACH[kind] and char_class(text[b]) == kind:
            b += 1
    return a, b


def apply(text: str, found: list[Edit]) -> str:
    """The text with the edits made (they are sorted and do not overlap)."""
    out, at = [], 0
    for edit in found:
        out.append(text[at:edit.start])
        out.append(edit.new)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def fix(text: str, glossary: Glossary, passes: int = 3, citations: Citations | None = None) -> tuple[str, int]:
    """The text with every change made, and how many issues that settled (as `lint` counts them). A change can reveal another (full-width letters
    made half-width then need a space), so it runs until nothing changes, at most `passes` times."""
    total = 0
    for _ in range(passes):
        found, _bare = edits(text, glossary, prose=read(text, citations))
        if not found:
            break
        total += len(groups(text, found))
        text = apply(text, found)
    return text, total


def findings(shown: str, issues: list[Issue], glossary: Glossary) -> list[Finding]:
    """The issues of one file as findings: warnings, errors under STRICT=1."""
    severity = ERROR if strict() else WARNING
    return [finding(shown, i.line, i.col, severity, i.code, old=i.old, new=i.new, glossary=glossary.path)
            for i in issues]
