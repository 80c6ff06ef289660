"""The site as a reader sees it: Debian's Chromium, driven by Playwright, over the built draft site on localhost."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Screenshots for a person to look at; outside the checkout (tests write nothing into it).
ARTIFACTS = Path(os.environ.get("BOOK_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "book-site-screenshots")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: `make browser` installs "
                                                         "Debian's chromium (needs root and apt)")


@pytest.fixture(scope="module")
def server(draft_site: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(draft_site))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
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


CHAPTERS = ["ch01-cost-revolution", "ch02-gpu-hardware", "ch03-environment", "ch04-kv-cache", "ch05-batching",
            "ch06-quantization", "ch07-speculative-decoding", "ch08-production", "ch09-parallelism",
            "ch10-serving-engines", "appendix-c-case-studies"]


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


def test_notebook_page_shows_its_outputs(tab, server):
    tab.goto(f"{server}/code/ch05-batching/continuous_batching/", wait_until="networkidle")
    body = tab.locator("article").inner_text()
    shot(tab, "notebook-ch05")
    assert "static and continuous outputs identical: True" in body
    assert tab.errors == []


def test_citation_link_lands_on_the_source_entry(tab, server):
    tab.goto(f"{server}/ch01-cost-revolution/", wait_until="networkidle")
    link = tab.locator("a.citation", has_text="第 6 页").first
    assert "$2～$5" in tab.locator("article table").first.inner_text()  # currency shown as text
    link.click()
    tab.wait_for_load_state("networkidle")
    assert tab.url.endswith("/references/#ark-big-ideas-2026")
    assert tab.locator("#ark-big-ideas-2026").is_visible()
    shot(tab, "references")
