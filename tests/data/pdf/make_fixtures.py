"""Makes the committed test documents of the source verifier (run once; the tests only read the PDFs).

    python -m venv /tmp/pdfgen && /tmp/pdfgen/bin/pip install fpdf2==2.8.9
    /tmp/pdfgen/bin/python tests/data/pdf/make_fixtures.py

It needs DejaVu Sans (Latin) and Droid Sans Fallback (CJK; Debian: fonts-dejavu-core, fonts-droid-fallback). fpdf2
embeds only the glyphs used, so the PDFs are small and the tests need no font on the machine.

- report.pdf: eight pages whose printed labels differ from the index (i, ii, then 1–6); printed page 3 has no text
  layer (a drawn chart only); printed page 4 splits two figures over line breaks; printed page 5 writes its figures
  with full-width digits and Chinese numerals. tests/test_verify.py states what each page holds.
- plain.pdf: three pages without page labels; the registry gives `page_offset: 1` (an unnumbered cover).
- locked.pdf: needs a password to open.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CJK = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)

REPORT = [
    # (page label style, lines); None as lines: a page with no text layer
    ("r", ["示例报告 2026", "Example Report"]),
    ("r", ["目录", "第一章 成本"]),
    ("D", ["第一章 成本", "推理成本每年下降约 99%。", "GPU 利用率提升到 75%。", "Inference cost fell 10x in two years."]),
    ("D", ["全球推理市场规模将在 2030 年达到 $1.4 trillion。", "The service handles 500K requests per day.",
           "客服代理每次对话成本 $0.20。"]),
    ("D", None),
    ("D", ["吞吐量提升了 4-", "8倍，一年内服务了 1,2", "34 家企业。"]),
    ("D", ["成本下降了９０％。", "速度提升了二十倍。", "每天处理三百万次调用。"]),
    ("D", ["延迟降低了 2 to 5 times.", "吞吐提升 2~3倍。", "利用率稳定在 75%。"]),
]

PLAIN = [
    ["Plain Paper", "A cover page without a number."],
    ["1  Introduction", "Batching raised throughput 23x over the baseline."],
    ["2  Results", "P99 latency was 120 ms at 1,000 QPS."],
]


def new_pdf() -> FPDF:
    pdf = FPDF(format="A5")
    pdf.set_creation_date(WHEN)
    pdf.set_producer("tests/data/pdf/make_fixtures.py")
    pdf.add_font("latin", fname=LATIN)
    pdf.add_font("cjk", fname=CJK)
    pdf.set_font("latin", size=12)
    return pdf


def runs(line: str) -> list[tuple[str, str]]:
    """The line cut into runs of one font: CJK characters and full-width forms in the CJK font, the rest in Latin."""
    found: list[tuple[str, str]] = []
    for ch in line:
        font = "cjk" if ord(ch) >= 0x2E80 else "latin"
        if found and found[-1][0] == font:
            found[-1] = (font, found[-1][1] + ch)
        else:
            found.append((font, ch))
    return found


def write_lines(pdf: FPDF, lines: list[str]) -> None:
    """One line after another, each run in its own font (fpdf2's automatic font fallback loses runs here)."""
    for line in lines:
        for font, text in runs(line):
            pdf.set_font(font, size=12)
            pdf.cell(text=text, new_x="END", new_y="TOP")
        pdf.ln(7)


def chart(pdf: FPDF) -> None:
    """A bar chart drawn as shapes only: what a scanned or image-only page gives a text extractor (nothing)."""
    pdf.set_fill_color(90, 120, 200)
    for k, height in enumerate((30, 55, 80, 45)):
        pdf.rect(30 + 20 * k, 150 - height, 12, height, style="F")
    pdf.line(25, 150, 120, 150)


def report() -> None:
    pdf = new_pdf()
    for k, (style, lines) in enumerate(REPORT):
        pdf.add_page()
        if k == 0:
            pdf.set_page_label(label_style="r", label_start=1)
        elif k == 2:
            pdf.set_page_label(label_style="D", label_start=1)
        if lines is None:
            chart(pdf)
        else:
            write_lines(pdf, lines)
    pdf.output(str(HERE / "report.pdf"))


def plain() -> None:
    pdf = new_pdf()
    for lines in PLAIN:
        pdf.add_page()
        write_lines(pdf, lines)
    pdf.output(str(HERE / "plain.pdf"))


def locked() -> None:
    pdf = new_pdf()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    write_lines(pdf, ["Confidential: 15% of the budget."])
    pdf.output(str(HERE / "locked.pdf"))


if __name__ == "__main__":
    report()
    plain()
    locked()
    for name in ("report.pdf", "plain.pdf", "locked.pdf"):
        print(name, (HERE / name).stat().st_size, "bytes")
