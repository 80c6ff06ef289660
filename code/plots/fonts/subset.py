"""Makes the figures' font: Noto Sans CJK SC (SIL Open Font License 1.1, see OFL.txt), cut down to the characters the
figures use, so that a fresh clone draws every figure with no font installed.

Run it (with Debian's fonts-noto-cjk installed) when a figure needs a character the font lacks; `book figures` names
the character. The set kept: printable ASCII, the punctuation and symbols a technical figure uses, and every
non-ASCII character in code/plots/*.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
HERE = Path(__file__).resolve().parent
TARGET = HERE / "NotoSansSC-figures.otf"
SYMBOLS = ("×÷±−–—‘’“”…·•°µμαβγδεπσ≈≠≤≥→←↑↓∞√%‰"
           "，。、；：？！（）【】《》〈〉「」『』〔〕～·＋－＝％／")


def characters() -> str:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(HERE.parent.glob("*.py")))
    kept = {chr(c) for c in range(0x20, 0x7F)} | set(SYMBOLS) | {ch for ch in text if ord(ch) > 0x7F}
    return "".join(sorted(ch for ch in kept if ch.isprintable()))


def main() -> int:
    if not SOURCE.is_file():
        print(f"{SOURCE} is missing: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)", file=sys.stderr)
        return 2
    collection = TTCollection(SOURCE)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FACE)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    font.recalcTimestamp = False   # the same characters give the same bytes (a font is part of every figure's key)
    font.save(TARGET)
    print(f"{TARGET.name}: {len(characters())} characters, {TARGET.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
