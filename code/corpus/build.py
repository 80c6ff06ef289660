"""Rebuild corpus.txt.xz from the chinese-poetry npm package (MIT), version 2.0.1.

The committed corpus.txt.xz is the reference: this script documents how it was made and reproduces its bytes from
the unpacked package (`npm pack chinese-poetry@2.0.1 && tar xzf chinese-poetry-2.0.1.tgz`):

    python code/corpus/build.py path/to/package/dist code/corpus/corpus.txt.xz

Documents: the Four Books, the Book of Songs, the Songs of Chu, the Guwen Guanzhi, Yuan qu, every Song ci and every
Tang poem of the collection, and Song poems until the text reaches TARGET_BYTES. Each document is a title line, then
its lines; documents are shuffled with a fixed seed (so that any prefix is a fair sample) and separated by a blank
line. Compressed with xz preset 9, no check of the container's own (the SHA-256 in common/data.py is the check).
"""
from __future__ import annotations

import json
import lzma
import random
import re
import sys
from pathlib import Path

TARGET_BYTES = 36_000_000
SEED = 2026


def _doc(title: str, author: str, lines) -> str | None:
    lines = [str(line).strip() for line in lines if str(line).strip()]
    if not lines:
        return None
    head = f"《{title.strip()}》" + (f" {author.strip()}" if author and author.strip() else "")
    return head + "\n" + "\n".join(lines)


def documents(dist: Path) -> list[str]:
    docs: list[str | None] = []
    load = lambda p: json.loads((dist / p).read_text(encoding="utf-8"))  # noqa: E731
    for item in load("lunyu/lunyu.json"):
        docs.append(_doc("论语·" + item["chapter"], "", item["paragraphs"]))
    for name in ("daxue", "zhongyong"):
        item = load(f"sishuwujing/{name}.json")
        docs.append(_doc(item["chapter"], "", item["paragraphs"]))
    for item in load("sishuwujing/mengzi.json"):
        docs.append(_doc("孟子·" + item["chapter"], "", item["paragraphs"]))
    for item in load("shijing/shijing.json"):
        docs.append(_doc(item["title"], "诗经·" + item["chapter"] + "·" + item["section"], item["content"]))
    for item in load("chuci/chuci.json"):
        docs.append(_doc(item["title"], item.get("author", ""), item["content"]))
    for item in load("mengxue/guwenguanzhi.json")["content"]:
        for piece in item["content"]:
            docs.append(_doc(piece["chapter"], piece.get("author", ""), piece["paragraphs"]))
    for item in load("yuanqu/yuanqu.json"):
        docs.append(_doc(item["title"], item.get("author", ""), item["paragraphs"]))

    def numbered(folder: str, prefix: str) -> list[Path]:
        """prefix.N.json files of a folder in the order of N (other files, such as 2019 additions, left out)."""
        paths = [p for p in (dist / folder).iterdir() if re.fullmatch(re.escape(prefix) + r"\.[0-9]+\.json", p.name)]
        return sorted(paths, key=lambda p: int(p.name.split(".")[2]))

    for path in numbered("songci", "ci.song"):
        for item in json.loads(path.read_text(encoding="utf-8")):
            docs.append(_doc(item["rhythmic"], item["author"], item["paragraphs"]))
    for path in numbered("quantangshi", "poet.tang"):
        for item in json.loads(path.read_text(encoding="utf-8")):
            docs.append(_doc(item["title"], item["author"], item["paragraphs"]))
    result = [d for d in docs if d]
    size = sum(len(d.encode()) + 2 for d in result)
    for path in numbered("quantangshi", "poet.song"):
        for item in json.loads(path.read_text(encoding="utf-8")):
            d = _doc(item["title"], item["author"], item["paragraphs"])
            if d:
                result.append(d)
                size += len(d.encode()) + 2
        if size >= TARGET_BYTES:
            break
    return result


def main(dist: str, out: str) -> None:
    docs = documents(Path(dist))
    random.Random(SEED).shuffle(docs)
    text = "\n\n".join(docs) + "\n"
    data = lzma.compress(text.encode("utf-8"), format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE, preset=9)
    Path(out).write_bytes(data)
    print(f"{len(docs)} documents, {len(text)} characters, {len(text.encode())} bytes -> {len(data)} bytes xz")


if __name__ == "__main__":
    main(*sys.argv[1:3])
