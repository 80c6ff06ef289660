"""The print outputs of the real book, checked as a proofreader would: `make pdf` (release and draft), `make epub`,
`make manuscript-docx`. One build of each per session, in a copy of the book (the checkout is never written).
Without the Noto CJK fonts or Java these tests skip with the package to install; under CI=true they fail."""
from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, copy_book, edit, run_book

from book.checks import print_layout
from book.reading.book import Book
from book.reading.repo import Repo

CHINESE = re.compile(r"[\u4e00-\u9fff]")
IMAGE_ALT = re.compile(r"!\[[^\]]*\]")
CHAPTER_TITLE = re.compile(r"^(第\d+章|附录[A-Z])")


def squash(text: str) -> str:
    """Text without white space: the text layer has a space where Typst set CJK–Latin spacing."""
    return "".join(text.split())


def unavailable(reason: str):
    """Skip, or fail under CI=true: CI installs what the print tests need (make print-deps)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def needs_fonts():
    from book.print import fonts
    lacking = fonts.missing([])
    if lacking:
        unavailable(f"missing fonts {sorted(lacking)}: make print-deps installs fonts-noto-cjk")


def needs_java():
    if shutil.which("java") is None:
        unavailable("no Java runtime for EPUBCheck: make print-deps installs default-jre-headless")


PRINTED = ("manuscript", "toc", "schemas", "code/results", "print.yaml")  # what the print build reads


@pytest.fixture(scope="session")
def printed(tmp_path_factory):
    """The real book's release and draft PDFs, built once, with what a proofreader reads from them."""
    needs_fonts()
    from book.print import proof
    from book.print.build import compile_pdf
    root = copy_book(tmp_path_factory.mktemp("print") / "book", PRINTED)
    repo = Repo(root)
    release, draft = compile_pdf(repo, draft=False), compile_pdf(repo, draft=True)
    return {"root": root, "release": release, "draft": draft,
            "release_proof": proof.read(release.pdf), "draft_proof": proof.read(draft.pdf)}


def test_fonts_are_embedded_and_one_is_chinese(printed):
    fonts = printed["release_proof"].fonts
    assert fonts and all(f.embedded for f in fonts), fonts
    assert any("CJK" in f.name and "Serif" in f.name for f in fonts), fonts
    assert any("Mono" in f.name for f in fonts), fonts  # code in a monospace with Chinese glyphs


def test_no_typst_warning(printed):
    assert printed["release"].warnings == [] and printed["draft"].warnings == []


def test_every_prose_character_comes_back_out_of_the_text_layer(printed):
    """A glyph the fonts lack would come out as nothing (or .notdef): every character of the prose the draft prints
    (all of it: the draft leaves nothing out) is in its text layer. Prose as the prose map reads it (its mask: not
    code, comments, link targets or citations, which print as numbers)."""
    root = printed["root"]
    book = Book(Repo(root))
    text = "".join(printed["draft_proof"].texts)
    missing: dict[str, str] = {}
    for source in book.files:
        if not source.shown.startswith("manuscript/"):
            continue
        prose = book.prose_map(source)
        mask = prose.mask()
        for alt in IMAGE_ALT.finditer(prose.text):  # an image's alt text is for the PDF's tags, not its page
            mask[alt.start():alt.end()] = bytes(alt.end() - alt.start())
        for offset, ch in enumerate(prose.text):
            if mask[offset] and not ch.isspace() and ch not in text and ch not in missing:
                missing[ch] = f"{source.shown}:{prose.position(offset)[0]}"
    assert not missing, missing


def test_toc_page_numbers_are_where_the_headings_are(printed):
    from book.print import proof
    read = printed["release_proof"]
    entries = proof.toc_entries(read)
    chapters = [e for e in entries if CHAPTER_TITLE.match(squash(e[0]))]
    assert len(chapters) >= 8 and len(entries) > 40, entries
    wrong = []
    for title, label in entries:
        pages = [k for k, page_label in enumerate(read.labels) if page_label == label]
        if not any(squash(title) in squash(read.texts[k]) for k in pages):
            wrong.append((title, label))
    assert not wrong, wrong


def test_running_heads_on_body_pages(printed):
    """Every body page that is neither a chapter's or part's first page nor a blank carries its page number and a
    title at the top: the chapter on a left-hand page, the section on a right-hand one."""
    from book.print import proof
    read = printed["release_proof"]
    chapter_titles = [squash(t) for t, _ in proof.toc_entries(read) if CHAPTER_TITLE.match(squash(t))]
    checked = 0
    for k, (text, label) in enumerate(zip(read.texts, read.labels)):
        lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
        if not label.isdigit() or not lines:
            continue
        first = squash(lines[0])
        opening = any(first.startswith(t) or t.startswith(first) for t in chapter_titles) \
            or first.startswith("第") and "部分" in first[:6]
        if opening:
            continue
        assert first.startswith(label) or first.endswith(label), (k + 1, label, first)
        if (k + 1) % 2 == 0:  # a left-hand page names its chapter
            assert any(t in first for t in chapter_titles), (k + 1, first)
        checked += 1
    assert checked > 30


def test_release_is_a_book_and_shows_no_todo_state(printed):
    release = "\n".join(printed["release_proof"].texts)
    draft = "\n".join(printed["draft_proof"].texts)
    assert printed["release"].pages >= 40
    for author_only in ("页码待补", "写作计划", "来源待查"):
        assert author_only not in release, author_only
    assert "页码待补" in draft and "写作计划" in draft
    assert not re.search("[\ue000-\uf8ff]", release + draft)  # a citation's place never left unreplaced
    assert "参考文献" in release and "目" in release


def test_chapters_open_on_a_right_hand_page(printed):
    read = printed["release_proof"]
    for k, text in enumerate(read.texts):
        first = squash(text.strip().split("\n")[0]) if text.strip() else ""
        if CHAPTER_TITLE.match(first) and read.labels[k].isdigit():
            assert (k + 1) % 2 == 1, (k + 1, first)


def test_the_widest_code_line_fits_the_text_block(tmp_path):
    """print.yaml's code_columns (89) is what the default design fits inside its code box at 9 pt: the last character
    of an 89-column line ends inside the text block, that of a 90-column line beyond it (a code line has no place
    to break, so it would run into the margin)."""
    needs_fonts()
    import pypdfium2 as pdfium
    import typst
    from book.print.build import DEFAULT_TEMPLATE
    from book.reading.print_config import CODE_COLUMNS
    shutil.copyfile(DEFAULT_TEMPLATE, tmp_path / "template.typ")
    lines = ["x" * (n - 1) + "y" for n in (CODE_COLUMNS, CODE_COLUMNS + 1)]
    (tmp_path / "main.typ").write_text(
        '#import "template.typ": *\n#show: book.with(title: "t")\n' +
        "\n".join(f'#notebook-code(raw(block: true, lang: "python", "{line}"))' for line in lines),
        encoding="utf-8")
    typst.compile(str(tmp_path / "main.typ"), output=str(tmp_path / "out.pdf"), root=str(tmp_path))
    document = pdfium.PdfDocument(str(tmp_path / "out.pdf"))
    page = document[0]
    textpage = page.get_textpage()
    rights = [textpage.get_charbox(i)[2] for i in range(textpage.count_chars()) if textpage.get_text_range(i, 1) == "y"]
    mm = 72 / 25.4
    block_right = page.get_width() - 18 * mm - 4  # page 1 is a right-hand page: the outer margin is on the right
    assert len(rights) == 2 and rights[0] <= block_right < rights[1], (rights, block_right)


def test_pdf_page_of_claims_from_the_draft(printed):
    """`book claims --format json` gives a claim its page in the last draft PDF; null with the reason once the
    manuscript changed since; it never compiles."""
    root = printed["root"]
    claims = run_book("claims", "--format", "json", cwd=root).json()["claims"]
    in_book = [c for c in claims if c["path"].startswith("manuscript/")]
    placed = [c for c in in_book if c["pdf_page"]]
    assert len(placed) >= 0.9 * len(in_book) and len(in_book) > 50
    draft = printed["draft_proof"]
    on_its_page = [c for c in placed if squash(c["figure"]) in squash(draft.texts[c["pdf_page"] - 1])]
    assert len(on_its_page) >= 0.9 * len(placed)  # a paragraph that runs over a page break has its rest there
    toc_claims = [c for c in claims if c["path"].startswith("toc/")]
    assert toc_claims and all(c["pdf_page"] is None and c["pdf_page_reason"] for c in toc_claims)


def test_pdf_page_is_null_when_the_manuscript_changed_since(printed, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(printed["root"], root)
    edit(root / "manuscript" / "ch02-gpu-hardware.md", "显存", "显存（改）")
    claims = run_book("claims", "--format", "json", cwd=root).json()["claims"]
    assert all(c["pdf_page"] is None for c in claims)
    assert "ch02-gpu-hardware.md" in claims[0]["pdf_page_reason"]
    (root / "build" / "book-draft.pdf").unlink()
    claims = run_book("claims", "--format", "json", cwd=root).json()["claims"]
    assert all(c["pdf_page"] is None and "DRAFT=1 make pdf" in c["pdf_page_reason"] for c in claims)


def test_epub_passes_epubcheck_and_reads_as_the_book(tmp_path):
    needs_java()
    from book.print.ebook import build_epub
    root = copy_book(tmp_path / "book", PRINTED)
    written = build_epub(Repo(root))
    assert written.errors == 0, written.messages
    with zipfile.ZipFile(written.path) as epub:
        names = epub.namelist()
        opf = epub.read(next(n for n in names if n.endswith(".opf"))).decode()
        chapters = "".join(epub.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert "<dc:language>zh-CN</dc:language>" in opf
    assert "第4章 KV Cache 优化" in chapters and "参考文献" in chapters
    assert "页码待补" not in chapters and "写作计划" not in chapters
    assert not re.search("[\ue000-\uf8ff]", chapters) and "图 4-1" in chapters and "<figure" in chapters
    assert "图 4-1 画出了" in chapters and "图 4-1画" not in chapters  # spaced before the Chinese that follows
    paragraphs = re.findall(r"<p>(.*?)</p>", chapters, re.S)
    assert paragraphs and not [p for p in paragraphs if re.search(r"[\u4e00-\u9fff]\s[\u4e00-\u9fff]", p)]


def test_manuscript_docx_and_separate_figures(tmp_path):
    """The editor's .docx holds the chapters; each figure also comes as its own file, SVG and PDF."""
    needs_fonts()
    from book.print import proof
    from book.print.ebook import build_docx
    root = copy_book(tmp_path / "book", PRINTED)
    (root / "manuscript" / "figures").mkdir(exist_ok=True)
    (root / "manuscript" / "figures" / "probe.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt"><rect width="100" height="50" '
        'fill="#888"/></svg>', encoding="utf-8")
    chapter = root / "manuscript" / "ch03-environment.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n![一个灰色矩形](figures/probe.svg)\n", encoding="utf-8")
    written = build_docx(Repo(root))
    with zipfile.ZipFile(written.path) as docx:
        document = docx.read("word/document.xml").decode()
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert "KV Cache" in document and CHINESE.search(document) and media
    figures = root / "build" / "figures"
    assert (figures / "probe.svg").read_bytes() == (root / "manuscript" / "figures" / "probe.svg").read_bytes()
    assert len(proof.read(figures / "probe.pdf").texts) == 1


def test_print_overflow_is_located_at_the_code_line(book_copy):
    chapter = book_copy / "manuscript" / "ch03-environment.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\n```python\nshort = 1\nwide = '" + "中" * 50 + "'\n```\n", encoding="utf-8")
    line = text.count("\n") + 4
    findings = print_layout.check(Book(Repo(book_copy)), strict=False)
    mine = [f for f in findings if f.path == "manuscript/ch03-environment.md"]
    assert [(f.line, f.code, f.severity) for f in mine] == [(line, "print-overflow", "warning")]
    assert "109" in mine[0].message and "89" in mine[0].message
    assert all(f.severity == "error" for f in print_layout.check(Book(Repo(book_copy)), strict=True))


def test_print_overflow_in_a_notebook_points_at_its_ipynb_line(book_copy):
    notebook = book_copy / "code" / "ch03-environment" / "environment_check.ipynb"
    lines = notebook.read_text(encoding="utf-8").split("\n")
    findings = [f for f in print_layout.check(Book(Repo(book_copy)), strict=False) if f.path.endswith(notebook.name)]
    for f in findings:
        source_line = json.loads(lines[f.line - 1].strip().rstrip(","))
        assert print_layout.width(source_line.rstrip("\n")) > 89


def test_no_manuscript_code_line_overflows():
    findings = print_layout.check(Book(Repo(ROOT)), strict=False)
    assert not [f for f in findings if f.path.startswith("manuscript/")]


def test_missing_font_is_named_with_its_package_in_one_chinese_line(monkeypatch, capsys, book_copy):
    needs_fonts()
    from book.print import __main__ as print_main
    from book.print import fonts
    monkeypatch.setitem(fonts.REQUIRED, "No Such Serif SC", "fonts-no-such")
    monkeypatch.chdir(book_copy)
    monkeypatch.delenv("BOOK_LANG", raising=False)
    assert print_main.main(["pdf"]) == 2
    out = capsys.readouterr().out.strip().split("\n")
    assert len(out) == 1 and "No Such Serif SC" in out[0] and "apt-get install fonts-no-such" in out[0]
    assert CHINESE.search(out[0]) and not (book_copy / "build" / "book.pdf").exists()


def test_site_offers_the_pdf_and_epub_when_built(book_copy, tmp_path):
    (book_copy / "build").mkdir()
    (book_copy / "build" / "book.pdf").write_bytes(b"%PDF-1.7 stand-in")
    (book_copy / "build" / "book.epub").write_bytes(b"PK stand-in")
    run = run_book("site", "--out", str(tmp_path / "site"), cwd=book_copy, env={"DRAFT": "0"})
    assert run.code == 0, run.out
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/book.pdf"' in home and 'href="downloads/book.epub"' in home
    assert (tmp_path / "site" / "downloads" / "book.pdf").read_bytes() == b"%PDF-1.7 stand-in"


CLOSING = set("，。、；：？！）》」』】〕”’")
OPENING = set("（《「『【〔“‘")


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(printed):
    """W3C clreq's line-breaking rule, read from the text layer of every page of the draft (all of the prose)."""
    bad = []
    for k, text in enumerate(printed["draft_proof"].texts):
        for line in text.replace("\r", "").split("\n"):
            line = line.strip()
            if line and (line[0] in CLOSING or line[-1] in OPENING):
                bad.append((k + 1, line))
    assert not bad, bad[:10]


def test_markup_survives_typst_and_math_is_typeset(tmp_path):
    """Characters Typst reads as syntax come out as written; LaTeX math becomes Typst math (through pandoc)."""
    needs_fonts()
    import typst
    from book.print import proof
    from book.print.build import DEFAULT_TEMPLATE
    from book.print.markup import Writer
    from book.print.math import MathConverter
    from book.reading.markdown import parse
    source = ("# 标题\n\n符号 #a \\*b\\* \\_c\\_ $5 @d = -e + /f [g] ~h 'i' \"j\" k.l: m // n `code --> x`\n\n"
              "公式 \\(x^2 + \\frac{a}{b}\\) 与\n\n\\[\\sum_{i=1}^{n} i\\]\n")
    writer = Writer("manuscript/t.md", math=MathConverter(Repo(tmp_path)).convert)
    body = writer.blocks(parse(source))
    assert "$x^2 + a / b$" in body and "$ sum_(i = 1)^n i $" in body
    shutil.copyfile(DEFAULT_TEMPLATE, tmp_path / "template.typ")
    (tmp_path / "main.typ").write_text('#import "template.typ": *\n#show: book.with(title: "t")\n' + body,
                                       encoding="utf-8")
    _, warnings = typst.compile_with_warnings(str(tmp_path / "main.typ"), output=str(tmp_path / "o.pdf"),
                                              root=str(tmp_path))
    text = squash("".join(proof.read(tmp_path / "o.pdf").texts))
    assert not warnings
    assert squash("符号 #a *b* _c_ $5 @d = -e + /f [g] ~h 'i' \"j\" k.l: m // n") in text and "-->" in text
    assert "∑" in text and "公式" in text


def test_a_citation_wrapped_over_two_lines_prints_as_one_mark(book_copy):
    """Citations come from the prose map with their source spans, whatever line break falls inside them."""
    from book.print.build import prepare
    edit(book_copy / "manuscript" / "appendix-c-case-studies.md", "[@ark-big-ideas-2026, p. 6]",
         "[@ark-big-ideas-2026,\np. 6]")
    main, _, _ = prepare(Repo(book_copy), draft=False)
    typst_source = main.read_text(encoding="utf-8")
    appendix = typst_source[typst_source.index("appendix-c-case-studies.md"):]
    assert "\\@ark" not in appendix and "p\\. 6" not in appendix
    assert '#cite-mark("[1]6")' in appendix


def test_release_prints_the_stored_full_size_run_and_the_draft_the_ci_outputs(book_copy):
    """As on the site: the release prints the outputs of the run `make gpu` kept (code/results/<stem>.ipynb) under
    a line naming device, commit and date, and a line naming the inputs changed since; never the ci outputs."""
    from book.print.build import prepare
    notebook = book_copy / "code" / "ch04-kv-cache" / "kv_cache.ipynb"
    stored = json.loads(notebook.read_text(encoding="utf-8"))
    ci_output = next(o for c in stored["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
                     if o.get("output_type") == "stream")
    ci_text = "".join(ci_output["text"]).strip().split("\n")[0]
    for cell in stored["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["FULL-SIZE PROBE 4096\n"]}]
    results = json.loads((book_copy / "code" / "results" / "ch04-kv-cache.json").read_text(encoding="utf-8"))
    stored["metadata"]["book"] = {"inputs_key": results["provenance"]["inputs_key"], "scale": "full"}
    (book_copy / "code" / "results" / "ch04-kv-cache.ipynb").write_text(json.dumps(stored), encoding="utf-8")
    edited = json.loads(notebook.read_text(encoding="utf-8"))  # the code changes after that run
    edited["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                            "source": ["pass"]})
    notebook.write_text(json.dumps(edited), encoding="utf-8")
    release = prepare(Repo(book_copy), draft=False)[0].read_text(encoding="utf-8")
    draft = prepare(Repo(book_copy), draft=True)[0].read_text(encoding="utf-8")
    provenance = results["provenance"]
    assert "FULL-SIZE PROBE 4096" in release
    assert f"{provenance['device_name']}，代码提交 {provenance['commit'][:7]}" in release
    assert "已改变" in release  # the notebook's inputs changed since that run
    assert "FULL-SIZE PROBE" not in draft and "小规模运行" in draft
    assert ci_text not in release.replace("\\n", "\n")


def test_release_leaves_out_draft_sections_and_chapters_the_draft_marks_them(printed):
    """Drafts as the site decides them (checks/drafts.py): out of the release, in the draft with a 草稿 mark."""
    from book.checks import drafts
    found = drafts.read(Book(Repo(printed["root"])))
    titles = [f"{s.number}{s.title}" for c in found.by_path.values() for s in c.draft_sections()]
    assert titles
    release = squash("".join(printed["release_proof"].texts))
    draft = squash("".join(printed["draft_proof"].texts))
    assert not [t for t in titles if squash(t) in release]
    assert all(squash(t) in draft for t in titles)
    assert draft.count("草稿：正式版不收") >= len(titles)
