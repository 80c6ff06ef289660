"""The one citation grammar: what the claims check reads and what the site renders, from the same matches.

- canonical, Pandoc style: `[@ark-big-ideas-2026, p. 20]`, several in one: `[@a, p. 3; @b, p. 9]`;
- Chinese free form naming a registered alias and a page: `（来源：ARK报告第6页）`, `（ARK 报告第 20 页）`;
- pending: `p. ?`.

A page is read once, here: `第六页` is page "6" for the checker and for the page the site prints.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from .numerals import to_int
from .sources import Registry, fold

CN = r"[零一二两三四五六七八九十百千万亿]+"
# A citation may wrap over a line break (`[@key,⏎p. 20]`, as hard-wrapping editors write it); never over a unit's end.
CANONICAL_CITATION = re.compile(r"\[(?P<body>\s*@[^\[\]\x00]*)\]")
CITATION_ITEM = re.compile(r"^\s*@(?P<key>[A-Za-z0-9_][\w:.\-]*?)\s*(?:,\s*(?P<locator>.*?))?\s*$")
LOCATOR = re.compile(r"^(?:pp?\.|pages?|页)\s*(?P<page>.+?)\s*$")
PAGE_RANGE = re.compile(r"^(?P<first>-?\d+)\s*(?:[-–]\s*(?P<last>-?\d+))?$")
PENDING_PAGE = {"?", "？"}
FREE_FORM_LEAD = r"(?:来源|出处|数据来源|资料来源|引自|参见|见)"
FREE_FORM_PAGE = rf"第\s*(?P<page>\d+|{CN}|[?？])\s*页"
# What follows the question mark of a pending free-form page (`第?页`, `第 ？ 页`): the sentence splitter does not end
# a sentence there, or the figure before the citation would be read as uncited.
PENDING_PAGE_MARK = r"\s*页"


def free_form_citation(aliases: list[str]) -> re.Pattern:
    """`（来源：ARK报告第6页）`, `（ARK 报告第 20 页）`, and `（来源：某报告）` naming an unregistered source."""
    names = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True)) or r"(?!x)x"
    return re.compile(
        rf"[（(]\s*(?:(?P<lead>{FREE_FORM_LEAD})\s*[：:]\s*)?"
        rf"(?:(?P<alias>{names})|(?(lead)(?P<name>[^（）()\n\x00]+?)|(?!)))"
        rf"\s*(?:[，,]?\s*{FREE_FORM_PAGE})?\s*[）)]")


FREE_FORM_PENDING = re.compile(rf"(第\s*)[?？](\s*页)")


def filled(citation: str, key: str, page: str) -> str | None:
    """The citation with this source's pending page replaced, or None when it has no pending page of this source."""
    canonical = re.compile(rf"((?:\[|;)\s*@{re.escape(key)}\s*,\s*(?:pp?\.|pages?|页)\s*)[?？]")
    new, count = canonical.subn(lambda m: m[1] + page, citation, count=1)
    if count:
        return new
    new, count = FREE_FORM_PENDING.subn(lambda m: m[1] + page + m[2], citation, count=1)
    return new if count and not citation.lstrip().startswith("[") else None


def page_of(text: str | None) -> str | None:
    """A page as written (`20`, `六`, `?`, `3-5`) as the book reads it: Arabic digits, or `?` while pending."""
    if text is None or text in PENDING_PAGE:
        return text and "?"
    number = to_int(text)
    return str(number) if number is not None else text


@dataclass
class Citation:
    start: int
    end: int
    text: str
    key: str | None
    page: str | None
    problem: tuple[str, dict, int] | None = None  # (message id, its parameters, offset in the text read)

    @property
    def pending(self) -> bool:
        return self.page in PENDING_PAGE


class Citations:
    """Reads citations against one registry."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.free_form = free_form_citation(registry.aliases())
        self.aliases = registry.alias_map()
        self.readings: dict[str, list[tuple]] = {}  # a citation's text -> (key, page, problem) of each source it names

    def find(self, text: str) -> list[Citation]:
        """The citations in the text, in order; a canonical one naming several sources gives one each (same span).
        A citation's reading depends on its own text alone, and a book repeats its citations, so each distinct one
        is read once."""
        found = []
        for m in chain(CANONICAL_CITATION.finditer(text), self.free_form.finditer(text)):
            whole, start = m[0], m.start()
            readings = self.readings.get(whole)
            if readings is None:
                readings = self.readings[whole] = [(c.key, c.page, c.problem and (*c.problem[:2], c.problem[2] - start))
                                                   for c in self.read(m)]
            for key, page, problem in readings:
                found.append(Citation(start, m.end(), whole, key, page,
                                      problem and (problem[0], problem[1], problem[2] + start)))
        return sorted(found, key=attrgetter("start"))

    def read(self, m: re.Match) -> list[Citation]:
        """What one citation says: a canonical `[@a, p. 1; @b, p. 2]` holds several, a free-form one names one."""
        if m.re is CANONICAL_CITATION:
            found, offset = [], m.start("body")
            for item in m["body"].split(";"):
                found.append(self.canonical_item(item, offset, m))
                offset += len(item) + 1
            return found
        if m["alias"]:
            key = self.aliases.get(fold(m["alias"]))
        else:
            key = self.aliases.get(fold(m["name"]))
            if key is None:
                name = m["name"].strip()
                near = difflib.get_close_matches(name, self.registry.aliases(), n=1, cutoff=0.6)
                problem = (("unknown-source:name-did-you-mean", {"name": name, "near": near[0]}) if near
                           else ("unknown-source:name", {"name": name}))
                return [Citation(m.start(), m.end(), m[0], None, page_of(m["page"]), (*problem, m.start("name")))]
        return [self.checked(Citation(m.start(), m.end(), m[0], key, page_of(m["page"])), m.start())]

    def canonical_item(self, item: str, offset: int, m: re.Match) -> Citation:
        parsed = CITATION_ITEM.match(item)
        if not parsed:
            return Citation(m.start(), m.end(), m[0], None, None,
                            ("bad-page:malformed", {"item": item.strip()}, offset))
        key_at = offset + parsed.start("key")
        citation = Citation(m.start(), m.end(), m[0], parsed["key"], None)
        locator = parsed["locator"]
        if locator is not None:
            loc = LOCATOR.match(locator)
            if not loc:
                citation.problem = ("bad-page:locator", {"locator": locator}, offset + parsed.start("locator"))
                return citation
            citation.page = page_of(loc["page"])
        return self.checked(citation, key_at, offset + (parsed.start("locator") if locator else parsed.start("key")))

    def checked(self, citation: Citation, key_at: int, page_at: int | None = None) -> Citation:
        page_at = key_at if page_at is None else page_at
        source = self.registry.sources.get(citation.key) if citation.key else None
        if source is None:
            near = difflib.get_close_matches(citation.key or "", list(self.registry.sources), n=1, cutoff=0.6)
            citation.problem = (("unknown-source:did-you-mean", {"key": citation.key, "near": near[0]}, key_at) if near
                                else ("unknown-source:key", {"key": citation.key}, key_at))
        elif citation.page is None:
            if source.get("paged"):
                citation.problem = ("missing-page", {"key": citation.key}, key_at)
        elif citation.pending:
            pass
        else:
            pages = PAGE_RANGE.match(citation.page)
            highest = source.get("pages")
            if not pages:
                citation.problem = ("bad-page:not-number", {"page": citation.page}, page_at)
            else:
                for value in (pages["first"], pages["last"]):
                    if value is None:
                        continue
                    if int(value) < 1:
                        citation.problem = ("bad-page:below-one", {"page": value}, page_at)
                    elif highest and int(value) > highest:
                        citation.problem = ("bad-page:past-end", {"page": value, "pages": highest,
                                                                  "key": citation.key}, page_at)
        return citation
