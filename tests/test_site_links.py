"""The strict site build's own checks, in process on the fixture book: local links (Markdown and raw HTML) reach a
file and are reported as written, at their place; symbolic links out of the repository are refused."""
from __future__ import annotations

import os

import pytest

from book.checks import links
from book.commands import site
from book.reading import prose
from book.reading.book import Book
from conftest import run_book
from test_reading import mini  # noqa: F401  (the fixture)

CH1 = "manuscript/ch01-a.md"


def rows(findings):
    return sorted((f.path, f.line, f.col, f.code, f.severity) for f in findings)


def append(repo, text):
    path = repo.manuscript / "ch01-a.md"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_fixture_links_are_whole(mini):  # noqa: F811
    assert site.preflight(Book(mini)) == []


def test_missing_local_targets_are_located_as_written(mini):  # noqa: F811
    (mini.root / "code" / "ch01-a").mkdir(parents=True)
    (mini.root / "code" / "ch01-a" / "demo.ipynb").write_text(
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8")
    append(mini, "\n见 [示例](../code/ch01-a/demo.ipynb) 与 [缺失](../code/ch99-x/gone.ipynb#cell)。\n\n"  # 29
                 '<img src="img/missing.png" alt="图">\n\n'                                                     # 31
                 '文中 <a href="../code/ch98/gone.py">代码</a> 与 ![图](img/%E5%9B%BE.png)。\n\n'              # 33
                 '<img srcset="a.png 1x, b.png 2x"> [外链](https://example.org/x.png) [锚](#top) '
                 '[邮件](mailto:a@b.c) [首页](index.md) [来源](references.md)\n\n'                              # 35
                 "<!-- <img src=\"commented.png\"> -->\n")
    assert rows(site.preflight(Book(mini))) == [
        (CH1, 29, 42, "site-link", "error"),   # ../code/ch99-x/gone.ipynb, as written, at its column
        (CH1, 31, 11, "site-link", "error"),   # raw HTML block: src
        (CH1, 33, 13, "site-link", "error"),   # inline raw HTML: href
        (CH1, 33, 49, "site-link", "error"),   # a Chinese file name, written percent-encoded
        (CH1, 35, 14, "site-link", "error"),   # srcset: each candidate
        (CH1, 35, 24, "site-link", "error"),
        (CH1, 35, 71, "site-link", "error"),   # #top: no heading of the page has that anchor (MkDocs refuses it too)
    ]
    first = next(f for f in site.preflight(Book(mini)) if f.line == 29)
    assert "../code/ch99-x/gone.ipynb" in first.message and "code/ch99-x/gone.ipynb）" in first.message


def test_a_link_out_of_the_repository_is_an_error(mini):  # noqa: F811
    append(mini, "\n[外部](../../../etc/hostname)\n")
    [found] = site.preflight(Book(mini))
    assert (found.path, found.line, found.col, found.code) == (CH1, 29, 6, "site-link")


@pytest.mark.parametrize("folder", ["manuscript", "toc", "code"])
def test_a_symlink_out_of_the_repository_is_refused(mini, tmp_path, folder):  # noqa: F811
    outside = tmp_path / "secret.md"
    outside.write_text("# 秘密\n", encoding="utf-8")
    (mini.root / folder).mkdir(exist_ok=True)
    os.symlink(outside, mini.root / folder / "leak.md")
    os.symlink(tmp_path, mini.root / folder / "dir-leak")
    os.symlink(mini.root / "manuscript" / "index.md", mini.root / folder / "inside.md")  # stays inside: fine
    assert rows(site.preflight(Book(mini))) == [
        (f"{folder}/dir-leak", 1, 1, "site-symlink", "error"),
        (f"{folder}/leak.md", 1, 1, "site-symlink", "error")]


def test_mkdocs_link_warnings_name_the_link_as_written(mini):  # noqa: F811
    append(mini, "\n见 [示例](../code/ch01-a/demo.py)。\n")
    log = ("WARNING -  Doc file 'ch01-a.md' contains a link 'code/ch01-a/demo.py', but the target is not found "
           "among documentation files.\nAborted with 1 warnings in strict mode!\n")
    [found] = site.build_findings(log, mini, mini.manuscript)
    assert (found.path, found.line, found.col, found.code) == (CH1, 29, 8, "site-link")
    assert "'../code/ch01-a/demo.py'" in found.message and "Doc file" not in found.message


@pytest.mark.parametrize("page,link", [("[缺][r]\n\n[r]: gone.md\n", "gone.md"), ("[r] 在此\n\n[r]: gone.md\n", "gone.md"),
                                       ("[a][]\n\n[a]: c.md\n", "c.md"), ("见[x](gone.md)。\n", "gone.md"),
                                       ("![图](a.png)\n", "a.png"), ('<img src="a.png">\n', "a.png"),
                                       ('文字 <A HREF="b.md">x</A>\n', "b.md")])
def test_a_page_whose_one_link_is_of_any_form_has_it_read(page, link):
    """A page without any mark of a link is not walked (links.LINK_MARK): each form alone must still be read."""
    assert [written for written, _ in links.written_links(prose.parse(page))] == [link]
    assert links.written_links(prose.parse("纯文字 <!-- 注释 --> [@k, p. 3]，第 [1] 项\n")) == []


def test_html_links_parser_survives_broken_tags():
    assert links.html_links('<img src="a.png" <a href=\'b\' title=x><br/><!-- <img src="c"> -->') == [
        ("a.png", 10), ("b", 26)]
    assert links.html_links("<img src=>< a href=x>") == []


def test_book_site_refuses_a_leaking_symlink_and_copies_nothing(book_copy, tmp_path):
    """End to end: the build stops before MkDocs runs; nothing of the linked file reaches the output."""
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容 42\n", encoding="utf-8")
    os.symlink(secret, book_copy / "manuscript" / "leak.md")
    os.symlink(secret, book_copy / "manuscript" / "leak.txt")
    out = book_copy / "out"
    run = run_book("site", "--out", str(out), cwd=book_copy)
    assert run.code == 1
    assert [line.split(" ", 1)[0] for line in run.lines("site-symlink")] == [
        "manuscript/leak.md:1:1:", "manuscript/leak.txt:1:1:"]
    assert not out.exists() or not any("机密内容" in p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file())


def test_a_link_to_a_missing_anchor_names_the_real_slug(mini):  # noqa: F811
    page = (mini.manuscript / "ch01-a.md").read_text(encoding="utf-8")
    heading = next(line for line in page.splitlines() if line.startswith("## "))[3:]
    slug = links.slugifier()(heading, "-")
    append(mini, f"\n见[上一节](#{slug[:-2]})与[同一节](ch01-a.md#{slug})。\n")
    [found] = site.preflight(Book(mini))
    assert (found.path, found.line, found.code) == (CH1, 29, "site-link")
    assert f"是不是 #{slug}（标题“{heading}”）？" in found.message, found.message


def test_anchors_follow_the_sites_slugs():
    """The slug function is the one mkdocs.yml gives the site's headings, and repeated headings get _1, _2."""
    from conftest import ROOT
    assert "pymdownx.slugs.slugify" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    from book.reading.prose import parse
    doc = parse("# 第3章 推理环境搭建\n\n## 5.3 连续批处理：迭代级调度\n\n## 小结\n\n## 小结\n\n## 配置 {#setup}\n")
    assert list(links.anchors(doc, links.slugifier())) == [
        "第3章-推理环境搭建", "53-连续批处理迭代级调度", "小结", "小结_1", "setup"]
