"""Benchmark: verifying figures against a generated 100-page text PDF.

Target: under 2 s cold (nothing cached: the PDF is hashed, its text extracted and its figures indexed) and under
0.3 s warm (the index is read back by the document's hash), the median of five runs each, on a 2-core machine.
The PDF is written here byte by byte (Helvetica, no embedded font), so the benchmark needs nothing but the toolchain.
300 claims are checked: 240 cite a page (most of them right), 60 are pending.

Two measurements: the verifier alone, in this process (records in, verdicts out); and the whole command,
`book sources verify` in a fresh process on a small generated book whose chapter cites the document (interpreter
start, imports, reading the chapter and its claims included).

    .venv/bin/python bench/verify_bench.py
"""
from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from book.checks import verify as v  # noqa: E402
from book.checks.claims import Claim  # noqa: E402
from book.reading.citations import Citation  # noqa: E402

PAGES = 100
LINES = 45
RUNS = 5
CLAIMS = 300

WORDS = ("inference cost throughput latency batch cache memory bandwidth request token model serving GPU cluster "
         "quantization speculative decoding kernel schedule prefill decode capacity utilization budget").split()
FIGURES = ["{a}%", "{a}x", "${a}.{b}", "{a},{b}00 requests", "{a}.{b} billion", "{a}-{c}x", "{a} ms", "{a}K tokens"]


def page_lines(rng: random.Random, page: int) -> tuple[list[str], list[str]]:
    """A page's lines, and the figures (as written) it states."""
    lines, figures = [], []
    for k in range(LINES):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 10))]
        if k % 3 == 0:
            a, b = rng.randint(2, 999), rng.randint(1, 9)
            figure = rng.choice(FIGURES).format(a=a, b=b, c=a + rng.randint(1, 20))
            words.insert(rng.randint(0, len(words)), figure)
            figures.append(figure)
        lines.append(" ".join(words).capitalize() + ".")
    lines.append(f"{page + 1}")
    return lines, figures


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    """A minimal PDF: catalog, page tree, one Helvetica font, a content stream per page, the xref table."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * k} 0 R" for k in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for k, lines in enumerate(pages):
        body = ["BT /F1 9 Tf 11 TL 40 800 Td"] + [f"({escape(line)}) '" for line in lines] + ["ET"]
        stream = "\n".join(body).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * k} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def claims(rng: random.Random, figures: list[list[str]]) -> list[v.ClaimRecord]:
    records = []
    for n in range(CLAIMS):
        page = rng.randrange(PAGES)
        figure = rng.choice(figures[page])
        if n % 5 == 4:
            cited = None                                  # pending: its candidates are looked up
        elif n % 10 == 3:
            cited = str(rng.randrange(PAGES) + 1)         # most likely the wrong page
        else:
            cited = str(page + 1)
        citation = Citation(0, 0, f"[@bench, p. {cited or '?'}]", "bench", cited or "?")
        claim = Claim("manuscript/ch01.md", n + 1, 1, figure, "money", figure, "pending" if cited is None else "cited",
                      [citation])
        records.append(v.ClaimRecord(claim, citation))
    return records


def timed(root: Path, registry: dict, records: list[v.ClaimRecord]) -> tuple[float, v.Outcome]:
    start = time.perf_counter()
    outcome = v.verify(root, registry, records)
    return time.perf_counter() - start, outcome


def claim_sentence(record: v.ClaimRecord) -> str:
    page = record.page or "?"
    return f"第 {record.line} 条记录显示，指标为 {record.figure}[@bench, p. {page}]。\n\n"


def make_book(root: Path, pdf: Path, records: list[v.ClaimRecord]) -> Path:
    book = root / "book"
    shutil.copytree(ROOT / "schemas", book / "schemas")
    (book / "toc").mkdir(parents=True)
    (book / "toc" / "table-of-contents.md").write_text("---\ntitle: bench\nstatus: 草稿\n---\n\n# 目录\n",
                                                      encoding="utf-8")
    (book / "manuscript").mkdir()
    (book / "manuscript" / "sources.yaml").write_text(
        f"bench:\n  title: Bench\n  paged: true\n  file: {pdf}\n", encoding="utf-8")
    (book / "manuscript" / "ch01-bench.md").write_text(
        "# 第1章 基准\n\n" + "".join(claim_sentence(r) for r in records), encoding="utf-8")
    return book


def command_seconds(book: Path, cache: Path) -> tuple[float, int]:
    env = {**os.environ, "BOOK_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "tools")}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "book", "sources", "verify", "--format", "json"], cwd=book, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stdout + proc.stderr)
    return seconds, proc.stdout.count('"status"')


def main() -> None:
    rng = random.Random(2026)
    generated = [page_lines(rng, k) for k in range(PAGES)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pdf = root / "bench.pdf"
        write_pdf(pdf, [lines for lines, _ in generated])
        registry = {"bench": {"title": "Bench", "paged": True, "file": str(pdf)}}
        records = claims(rng, [figures for _, figures in generated])
        cold, warm = [], []
        for run in range(RUNS):
            os.environ["BOOK_CACHE_DIR"] = str(root / f"cache-{run}")
            seconds, outcome = timed(root, registry, records)
            cold.append(seconds)
        for _ in range(RUNS):
            seconds, outcome = timed(root, registry, records)
            warm.append(seconds)
        counts = {k: n for k, n in outcome.counts().items() if n}
        print(f"document: {PAGES} pages, {pdf.stat().st_size / 1024:.0f} KiB; claims: {len(records)} -> {counts}")
        print(f"cold: median {statistics.median(cold):.3f} s, best {min(cold):.3f} s  (target < 2 s)")
        print(f"warm: median {statistics.median(warm):.3f} s, best {min(warm):.3f} s  (target < 0.3 s)")
        print(f"runs cold {[round(s, 3) for s in cold]}, warm {[round(s, 3) for s in warm]}")
        book = make_book(root, pdf, records)
        cold, warm = [], []
        for run in range(RUNS):
            seconds, checked = command_seconds(book, root / f"command-cache-{run}")
            cold.append(seconds)
        for _ in range(RUNS):
            seconds, checked = command_seconds(book, root / f"command-cache-{RUNS - 1}")
            warm.append(seconds)
        print(f"book sources verify ({checked} citations checked), a fresh process each run:")
        print(f"  cold: median {statistics.median(cold):.3f} s, best {min(cold):.3f} s  (target < 2 s)")
        print(f"  warm: median {statistics.median(warm):.3f} s, best {min(warm):.3f} s  (target < 0.3 s)")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
