"""Chinese numerals (一, 十二, 三百, 两千) as integers: parts are numbered 第一部分, pages may read 第六页."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CHARS = "".join(DIGITS) + "".join(UNITS)


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
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    return chinese_to_int(text)
