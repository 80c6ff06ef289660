"""Chinese numerals both ways: 第十二部分 ↔ 12, 第六页 → 6."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHARS = "".join(DIGITS) + "".join(UNITS)
NAMES = "零一二三四五六七八九"


def chinese_to_int(text: str) -> int | None:
    """Value of a Chinese numeral below ten thousand, or None when the text is not one."""
    if not text or any(ch not in CHARS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)


def to_int(text: str) -> int | None:
    """An Arabic or Chinese numeral as an integer, or None."""
    text = text.strip()
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
