"""The one number reader of the toolchain: figures as the book and its sources write them.

- Chinese numerals both ways, as the TOC and page locators write them: 第十二部分 ↔ 12, 第六页 → 6.
- Quantities in running text (claims, source verification, results checks): Unicode NFKC first (full-width digits
  and signs), thousands separators (1,200), Chinese numerals with their magnitudes (三百万, 二十, 一点五, 二〇二六),
  magnitudes after a number (万, 亿, 万亿, K, M, B, T, thousand … trillion: `1.4 万亿` is 1.4e12), and a kind:
  percent (%, 百分之, 个百分点, 九成), multiplier (x, ×, 倍, times, fold), currency ($, 美元, ¥, 元, €, £) or a plain
  number; words that state a figure without a digit (翻倍, 减半). Ranges (2-5, 2~5, 2 to 5, 2至5) are two
  quantities with a range gap between them, each end completed by the other (`range_at`).

A Quantity keeps where it stands in the text read, the number as printed (`value`, before its magnitude) and half a
unit of its last printed digit (`half`): `2,700` may be 2,650–2,750, `1.4 万亿` is 1.35–1.45 万亿.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHARS = "".join(DIGITS) + "".join(UNITS)
NAMES = "零一二三四五六七八九"
CN_CHARS = "零〇一二两三四五六七八九十百千万亿"


# ---------------------------------------------------------------------------------------------------- Chinese numerals

def chinese_value(text: str) -> Decimal | None:
    """三百万 → 3000000, 二十 → 20, 一点五 → 1.5, 二〇二六 → 2026; None for a text that is no numeral, or one with
    no digit (百, 万亿: words more often than figures)."""
    whole, _, decimals = text.partition("点")
    if not whole or any(ch not in CN_CHARS for ch in whole) or any(ch not in DIGITS for ch in decimals):
        return None
    if not any(ch in DIGITS or ch == "十" for ch in whole):
        return None
    if not any(ch in UNITS or ch in "万亿" for ch in whole):
        value = Decimal("".join(str(DIGITS[ch]) for ch in whole))  # digit by digit: 二〇二六
    else:
        total, wan, section, digit = 0, 0, 0, 0
        for ch in whole:
            if ch in DIGITS:
                digit = DIGITS[ch]
            elif ch in UNITS:
                section += (digit or 1) * UNITS[ch]
                digit = 0
            elif ch == "万":
                wan = (wan + section + digit) * 10_000
                section = digit = 0
            elif ch == "亿":
                total = (total + wan + section + digit) * 100_000_000
                wan = section = digit = 0
        value = Decimal(total + wan + section + digit)
    if decimals:
        value += Decimal("0." + "".join(str(DIGITS[ch]) for ch in decimals))
    return value


def chinese_to_int(text: str) -> int | None:
    """Value of a whole Chinese numeral, or None when the text is not one."""
    value = chinese_value(text) if text and "点" not in text else None
    return int(value) if value is not None else None


def to_int(text: str) -> int | None:
    """An Arabic (half- or full-width) or Chinese numeral as an integer, or None."""
    text = unicodedata.normalize("NFKC", text.strip())
    if text.isascii() and text.isdigit():
        return int(text)
    return chinese_to_int(text)


def to_chinese(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (below ten thousand, as part numbers are written)."""
    if not 0 <= n < 10000:
        raise ValueError(f"{n} is out of range")  # not shown: a programming error (TOC numbers are small)
    if n < 10:
        return NAMES[n]
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(NAMES[digit] + unit)
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


# ---------------------------------------------------------------------------------------------------- quantities

MAGNITUDES = {k: Decimal(v) for k, v in {
    "万亿": "1e12", "千亿": "1e11", "百亿": "1e10", "十亿": "1e9", "亿": "1e8", "千万": "1e7", "百万": "1e6", "十万": "1e5",
    "万": "1e4", "千": "1e3", "trillion": "1e12", "billion": "1e9", "million": "1e6", "thousand": "1e3",
    "tn": "1e12", "bn": "1e9", "mn": "1e6", "T": "1e12", "B": "1e9", "M": "1e6", "K": "1e3", "k": "1e3"}.items()}
PREFIX_KINDS = {"US$": "usd", "$": "usd", "USD": "usd", "¥": "cny", "RMB": "cny", "CNY": "cny", "€": "eur", "£": "gbp",
                "百分之": "%"}
SUFFIX_KINDS = [  # (pattern, kind, factor)
    (r"%|percent|per\s?cent|pct|个?百分点", "%", 1),
    (r"倍|[xX×](?![A-Za-z0-9])|times\b|-?fold\b", "x", 1),
    (r"美元|美金|dollars?\b|USD\b", "usd", 1),
    (r"美分|cents?\b", "usd", Decimal("0.01")),
    (r"元(?![素件数组])|人民币|块钱|RMB\b|CNY\b", "cny", 1),
    (r"成(?![本功为员立熟长交果就型品分年人])", "%", 10),  # 九成: 90%, after a one-character Chinese numeral only
]
# Words that state a figure without a digit: a multiplier, or a cut by half (read as 50%).
WORD_FIGURES = {"翻两番": ("x", Decimal(4)), "翻三番": ("x", Decimal(8)), "翻一番": ("x", Decimal(2)),
                "翻番": ("x", Decimal(2)), "翻倍": ("x", Decimal(2)), "翻了一番": ("x", Decimal(2)),
                "翻了两番": ("x", Decimal(4)), "减半": ("%", Decimal(50)), "减少一半": ("%", Decimal(50))}

QUANTITY = re.compile(
    r"(?:(?P<pre>US\$|\$|USD|¥|RMB|CNY|€|£|百分之)\s?|(?<![A-Za-z0-9_.$¥€£]))"
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<cn>[{CN_CHARS}]+(?:点[零〇一二两三四五六七八九]+)?))"
    r"(?:\s?(?P<mag>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|(?i:trillion|billion|million|thousand)|tn|bn|mn|[TBMKk])"
    r"(?![A-Za-z]))?"
    r"(?:\s?(?P<suf>" + "|".join(f"(?P<s{k}>{pattern})" for k, (pattern, _, _) in enumerate(SUFFIX_KINDS)) + "))?"
)
RANGE_GAP = re.compile(r"\s*(?:-|–|—|~|to|至|到)\s*")
WORDS = re.compile("|".join(sorted(WORD_FIGURES, key=len, reverse=True)))
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u0002\ufffe\u200b\u200c\u200d\ufeff"), None)


@dataclass
class Quantity:
    start: int
    end: int
    value: Decimal              # the number as printed, before its magnitude
    magnitude: Decimal | None   # 万, 亿, K … written after it
    kind: str                   # "n" plain, "%", "x", "usd", "cny", "eur", "gbp"
    factor: Decimal = Decimal(1)
    half: Decimal = Decimal("0.5")  # half a unit of the last digit printed, in the terms of `value`

    def scaled(self, magnitude: Decimal | None = None) -> Decimal:
        """The quantity's value; `magnitude` stands in for its own where it has none (the 2 of `2-5 万`)."""
        return self.value * (self.magnitude or magnitude or 1) * self.factor

    @property
    def percent(self) -> bool:
        return self.kind == "%"


def number_text(value: Decimal) -> str:
    """One spelling per value: 0.20 and 0.2, 1400000000000 and 1.4E+12 read alike."""
    value = value.normalize()
    return "0" if value == 0 else format(value, "f") if -6 < value.adjusted() < 16 else str(value)


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC) and invisible characters (soft hyphens, zero widths) dropped."""
    return unicodedata.normalize("NFKC", text).translate(INVISIBLE)


def half_unit(printed: str) -> Decimal:
    """Half a unit of the last printed digit: 1.45 → 0.005; 2700 → 50 (a round figure may be rounded to hundreds)."""
    whole, dot, decimals = printed.partition(".")
    if dot:
        return Decimal("0.5").scaleb(-len(decimals))
    trailing = len(whole) - len(whole.rstrip("0")) if whole.strip("0") else 0
    return Decimal("0.5").scaleb(trailing)


def quantities(text: str) -> list[Quantity]:
    """The quantities of an already normalised text (`normalise`), in order."""
    found = []
    for m in QUANTITY.finditer(text):
        if m["num"] is not None:
            printed = m["num"].replace(",", "")
            try:
                value = Decimal(printed)
            except InvalidOperation:
                continue
            chinese = False
        else:
            value = chinese_value(m["cn"])
            if value is None:
                continue
            printed = number_text(value)
            chinese = True
        kind, factor = "n", Decimal(1)
        if m["pre"]:
            kind = PREFIX_KINDS[m["pre"]]
        if m["suf"]:
            k = next(k for k in range(len(SUFFIX_KINDS)) if m[f"s{k}"] is not None)
            suffix_kind, suffix_factor = SUFFIX_KINDS[k][1], Decimal(SUFFIX_KINDS[k][2])
            if SUFFIX_KINDS[k][0].startswith("成") and not (chinese and len(m["cn"]) == 1):
                suffix_kind, suffix_factor = None, Decimal(1)
            if suffix_kind:
                kind = suffix_kind if kind in ("n", "%") or suffix_kind != "%" else kind
                factor = suffix_factor
        magnitude = None
        if m["mag"]:
            magnitude = MAGNITUDES.get(m["mag"]) or MAGNITUDES[m["mag"].lower()]
        found.append(Quantity(m.start(), m.end(), value, magnitude, kind, factor, half_unit(printed)))
    return found


def range_at(text: str, found: list[Quantity], k: int) -> tuple[Quantity, Quantity] | None:
    """found[k] and found[k + 1] as the two ends of a range, when a range gap stands between them, each completed with
    what only the other writes: the kind and factor (`1.70～1.79 倍`) and the magnitude (`2-5 万`)."""
    if k + 1 >= len(found) or not RANGE_GAP.fullmatch(text, found[k].end, found[k + 1].start):
        return None
    low, high = found[k], found[k + 1]
    if low.kind == "n":
        low = replace(low, kind=high.kind, factor=high.factor)
    elif high.kind == "n":
        high = replace(high, kind=low.kind, factor=low.factor)
    return replace(low, magnitude=low.magnitude or high.magnitude), replace(high, magnitude=high.magnitude or low.magnitude)


def figure_quantities(figure: str) -> tuple[str, list[Quantity]]:
    """The figure normalised, and what it states: its first quantity, or both ends of a range (`range_at`)."""
    text = normalise(figure)
    found = quantities(text)
    ends = range_at(text, found, 0)
    return text, list(ends) if ends else found[:1]
