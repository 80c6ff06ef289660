"""The site as a reader sees it: Debian's Chromium, driven by Playwright, over the built release and draft sites of
the real book on localhost (and one release built from a copy of the book with a stored full-size run). Without a
Chromium these tests are skipped, except under CI=true, where a missing browser fails them."""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from book.checks import drafts
from book.reading.book import Book
from book.reading.repo import Repo
from book.site import notebooks
from conftest import ROOT, measured_paragraph, run_book

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Screenshots for a person to look at; outside the checkout (tests write nothing into it).
ARTIFACTS = Path(os.environ.get("BOOK_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "book-site-screenshots")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

if CHROMIUM is None and IN_CI:
    pytestmark = pytest.mark.usefixtures("chromium_required")
else:
    pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: `make browser` installs "
                                                             "Debian's chromium (needs root and apt)")


@pytest.fixture(scope="module")
def chromium_required():
    pytest.fail("CI=true and no Chromium: `make browser` installs Debian's chromium (needs root and apt)")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="module")
def server(draft_site: Path):
    httpd, url = serve(draft_site)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="module")
def release(release_site: Path):
    httpd, url = serve(release_site)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


MODEL = drafts.read(Book(Repo(ROOT)))
CHAPTERS = [c.path.stem for c in MODEL.by_path.values()]
PUBLISHED = [c.path.stem for c in MODEL.by_path.values() if not c.draft]


def site_pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
                  if p.parent != site / "search")


def compared_output(notebook: Path) -> str:
    """The first line of a ci output that nbval compares (the same on every machine), as the notebook stores it."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code" or "nbval-ignore-output" in cell["metadata"].get("tags", []):
            continue
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", ""))
            if output["output_type"] == "stream" and text.strip():
                return text.strip().splitlines()[0]
    raise AssertionError(f"{notebook} stores no compared output")


# ---------------------------------------------------------------------------------------------------- draft site

def test_every_chapter_loads_without_console_errors(tab, server):
    for chapter in CHAPTERS:
        tab.goto(f"{server}/{chapter}/", wait_until="networkidle")
        assert tab.locator("article h1").first.inner_text().strip(), chapter
        shot(tab, chapter)
    assert tab.errors == []


def test_navigation_follows_the_toc(tab, server):
    tab.goto(f"{server}/", wait_until="networkidle")
    hrefs = tab.eval_on_selector_all("nav.md-nav--primary a.md-nav__link[href]", "els => els.map(e => e.getAttribute('href'))")
    order = [h.strip("./").rstrip("/") for h in hrefs]
    positions = [order.index(c) for c in CHAPTERS]
    assert positions == sorted(positions)


def test_chinese_search_finds_chapter_one(tab, server):
    tab.goto(f"{server}/", wait_until="networkidle")
    tab.locator("label.md-search__icon, .md-search__input").first.click()
    box = tab.locator(".md-search__input")
    box.fill("正向反馈循环")  # Chinese arrives whole, as from an input method; Material searches on keyup
    box.dispatch_event("keyup")
    results = tab.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15000)
    links = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    shot(tab, "search")
    assert any("ch01-cost-revolution" in link for link in links), links


def test_draft_shows_the_ledger_todo_marks_and_labelled_ci_outputs(tab, server):
    tab.goto(f"{server}/claims/", wait_until="networkidle")
    assert tab.locator("article table tr").count() > 10  # the claims ledger
    tab.goto(f"{server}/code/ch05-batching/continuous_batching/", wait_until="networkidle")
    body = tab.locator("article").inner_text()
    shot(tab, "draft-notebook-ch05")
    assert notebooks.CI_LINE in body and compared_output(ROOT / "code/ch05-batching/continuous_batching.ipynb") in body
    pending = [f for f in run_book("claims", "--format", "json").json()["findings"] if f["code"] == "pending-citation"
               and f["path"].startswith("manuscript/ch")]
    marks = 0
    for chapter in CHAPTERS:
        tab.goto(f"{server}/{chapter}/", wait_until="networkidle")
        marks += tab.locator(".pending-citation").count()
    assert marks >= 1 if pending else marks == 0
    tab.goto(f"{server}/ch04-kv-cache/", wait_until="networkidle")
    assert "草稿：发布版不包含这一节" in tab.locator("article").inner_text()
    assert tab.errors == []


# ---------------------------------------------------------------------------------------------------- release site

def test_release_has_no_todo_state_and_no_draft_reachable(tab, release, release_site):
    for path in site_pages(release_site):
        tab.goto(f"{release}/{path}", wait_until="domcontentloaded")
        text = tab.locator("body").inner_text()
        for mark in ("来源待查", "页码待补", "写作计划", "Made with Material"):
            assert mark not in text, (path, mark)
        assert re.search(r"本版构建于 \d{4}-\d{2}-\d{2}", text), path
    for chapter in set(CHAPTERS) - set(PUBLISHED):
        assert tab.goto(f"{release}/{chapter}/").status == 404
    tab.goto(f"{release}/", wait_until="networkidle")
    nav = tab.locator("nav.md-nav--primary").inner_text()
    assert not any(c.number and f"第{c.number}章" in nav for c in MODEL.by_path.values() if c.draft)
    for chapter in MODEL.by_path.values():
        if chapter.draft:
            continue
        tab.goto(f"{release}/{chapter.path.stem}/", wait_until="domcontentloaded")
        headings = tab.locator("article h2").all_inner_texts()
        assert not any(h.startswith(f"{s.number} ") for s in chapter.draft_sections() for h in headings)
        for link in tab.eval_on_selector_all("article a[href]", "els => els.map(e => e.getAttribute('href'))"):
            assert not any(f"/{c}/" in f"/{link}" for c in set(CHAPTERS) - set(PUBLISHED)), link


def test_release_tab_titles_name_the_chapters(tab, release):
    tab.goto(f"{release}/ch04-kv-cache/", wait_until="networkidle")
    assert tab.title() == "第4章 KV Cache 优化 - LLM推理优化实战"
    tab.goto(f"{release}/code/ch04-kv-cache/kv_cache/", wait_until="networkidle")
    assert tab.title().startswith("代码示例：")
    active = tab.locator("nav.md-nav--primary .md-nav__link--active").all_inner_texts()
    assert any(t.strip().startswith("代码示例：") for t in active), active


def test_a_source_cited_three_times_in_a_paragraph_shows_its_title_at_most_once(tab, release):
    registry = Book(Repo(ROOT)).registry.sources
    titles = [s["title"] for s in registry.values()]
    for chapter in PUBLISHED:
        tab.goto(f"{release}/{chapter}/", wait_until="domcontentloaded")
        paragraphs = tab.evaluate("() => Array.from(document.querySelectorAll('article p, article li')).map(p => p.innerText)")
        for text in paragraphs:
            assert all(text.count(title) <= 1 for title in titles), (chapter, text)
        shot(tab, f"release-{chapter}")
    tab.goto(f"{release}/ch04-kv-cache/", wait_until="domcontentloaded")
    figure, _ = measured_paragraph("ch04-kv-cache", "results-ch04")
    paragraph = tab.locator("article p", has_text=figure).first  # cites the chapter's results three times
    assert paragraph.inner_text().count("实测") == 1 and paragraph.locator("a.measurement").count() == 1


def test_citation_number_leads_to_the_chapters_reference_list(tab, release):
    tab.goto(f"{release}/ch01-cost-revolution/", wait_until="networkidle")
    link = tab.locator("sup.citation a").first
    number = link.inner_text().strip("[]")
    link.click()
    assert tab.url.endswith(f"#ref-{number}")
    entry = tab.locator(f"#ref-{number}")
    assert entry.is_visible() and "Big Ideas 2026[R/OL]" in entry.inner_text()
    shot(tab, "references-list")
    tab.goto(f"{release}/references/", wait_until="networkidle")
    assert tab.locator("#ark-big-ideas-2026").is_visible()
    assert tab.errors == []


def test_release_notebook_pages_show_the_stored_run_or_say_there_is_none(tab, release):
    """On the real book: every notebook page says which run it shows; without a stored full-size run it shows no
    output at all (never the ci outputs). The draft notebooks (of a draft chapter, or linked only from drafts) are
    left out."""
    for notebook in Repo(ROOT).notebooks():
        url = f"{release}/{notebook.relative_to(ROOT).with_suffix('').as_posix()}/"
        if MODEL.notebook_left_out(notebook):
            assert tab.goto(url).status == 404
            continue
        stored = notebooks.stored_run(ROOT, notebook)
        tab.goto(url, wait_until="networkidle")
        body = tab.locator("article").inner_text()
        if stored is None:
            assert notebooks.NO_RUN_LINE in body and tab.locator(".jp-OutputArea-output").count() == 0
        else:
            assert "全尺寸（full）运行" in body
    shot(tab, "release-notebook")


@pytest.fixture(scope="module")
def stored_release(tmp_path_factory):
    """A copy of the book whose chapter 5 has a stored full-size run that prints every figure the chapter cites from
    its results file, built as the release."""
    copy = tmp_path_factory.mktemp("stored") / "book"
    for name in ["manuscript", "toc", "schemas", "tools", "mkdocs.yml", "code", "requirements.lock"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".cache"))
        else:
            shutil.copy2(source, copy / name)
    claims = run_book("claims", "--format", "json", cwd=copy).json()["claims"]
    figures = sorted({c["figure"] for c in claims if any(x["key"] == "results-ch05" for x in c["citations"])})
    notebook = copy / "code/ch05-batching/continuous_batching.ipynb"
    run = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in run["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []  # not the committed ci outputs: this run printed only its figures
    run["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": 9, "source": "print(figures)",
                         "outputs": [{"output_type": "stream", "name": "stdout", "text": "\n".join(figures) + "\n"}]})
    run["metadata"]["book"] = {"inputs_key": "recorded-before-the-last-change", "inputs": {}}
    (copy / "code/results/ch05-batching.ipynb").write_text(json.dumps(run), encoding="utf-8")
    out = copy.parent / "site"
    assert run_book("site", "--out", str(out), cwd=copy, env={"DRAFT": "0"}).code == 0
    httpd, url = serve(out)
    yield url, figures
    httpd.shutdown()


def test_a_stored_run_shows_every_figure_its_chapter_cites(tab, stored_release):
    url, figures = stored_release
    tab.goto(f"{url}/code/ch05-batching/continuous_batching/", wait_until="networkidle")
    body = tab.locator("article").inner_text()
    shot(tab, "release-notebook-stored")
    assert figures and all(f in body for f in figures), figures
    provenance = json.loads((ROOT / "code/results/ch05-batching.json").read_text(encoding="utf-8"))["provenance"]
    assert f"全尺寸（full）运行：{provenance['device_name']}，代码提交 {provenance['commit'][:7]}" in body
    assert "这次运行之后" in body  # its key is not the notebook's current one: stale, still shown, said so
    assert "throughput gain: 1.09x" not in body  # the committed ci output is not what the release shows
