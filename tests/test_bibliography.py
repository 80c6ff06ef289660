"""How the book cites (reading/bibliography.py): GB/T 7714-2015 entries and per-chapter numbering, shared by the site
and print."""
from __future__ import annotations

import json

from book.reading.bibliography import (ChapterReferences, authors, gbt7714, measurement_device, measurement_note,
                                       personal_name)

PAGED_ATTENTION = {"title": "Efficient Memory Management for Large Language Model Serving with PagedAttention",
                   "author": "Woosuk Kwon et al.", "publisher": "SOSP 2023", "year": 2023,
                   "url": "https://arxiv.org/abs/2309.06180", "paged": True}


def test_a_conference_paper_with_the_pages_cited():
    assert gbt7714(PAGED_ATTENTION, ["3", "12"]) == (
        "KWON W, et al. Efficient Memory Management for Large Language Model Serving with PagedAttention"
        "[C/OL]//SOSP 2023. 2023: 3, 12. https://arxiv.org/abs/2309.06180.")


def test_reports_web_pages_and_an_explicit_type():
    ark = {"title": "Big Ideas 2026", "publisher": "ARK Invest", "year": 2026, "paged": True}
    assert gbt7714(ark, ["6"]) == "ARK Invest. Big Ideas 2026[R]. 2026: 6."
    blog = {"title": "Accelerating PyTorch with CUDA Graphs", "publisher": "PyTorch blog", "year": 2021,
            "url": "https://pytorch.org/blog/x/", "paged": False}
    assert gbt7714(blog) == "PyTorch blog. Accelerating PyTorch with CUDA Graphs[EB/OL]. 2021. https://pytorch.org/blog/x/."
    preprint = {"title": "FP8 Formats for Deep Learning", "author": "Paulius Micikevicius et al.", "publisher": "arXiv",
                "year": 2022, "paged": True}
    assert gbt7714(preprint, ["2"]) == "MICIKEVICIUS P, et al. FP8 Formats for Deep Learning[EB]. arXiv, 2022: 2."
    assert "[J]" in gbt7714({**preprint, "type": "J"})


def test_names_as_the_standard_writes_them():
    assert personal_name("Albert Q. Jiang") == "JIANG A Q"
    assert personal_name("Gyeong-In Yu") == "YU G I"
    assert personal_name("DeepSeek-AI") == "DeepSeek-AI" and personal_name("张三") == "张三"
    assert authors({"author": "Yaniv Leviathan, Matan Kalman, Yossi Matias"}) == "LEVIATHAN Y, KALMAN M, MATIAS Y"
    assert authors({"author": "A One, B Two, C Three, D Four"}) == "ONE A, TWO B, THREE C, et al"  # three, then et al.


def test_numbers_follow_the_first_citation_and_pages_gather():
    refs = ChapterReferences()
    assert refs.cite("b", "9").number == 1
    assert refs.cite("a", "?").number == 2
    assert refs.cite("b", "3").number == 1  # cited again: the same number
    refs.cite("b", "9")
    assert [(e.number, e.key, e.pages) for e in refs] == [(1, "b", ["3", "9"]), (2, "a", [])]


def test_measurements_cite_briefly_with_the_device_of_their_results_file(tmp_path):
    (tmp_path / "code/results").mkdir(parents=True)
    (tmp_path / "code/results/ch04-kv-cache.json").write_text(
        json.dumps({"provenance": {"device": "cuda", "device_name": "NVIDIA H200"}}), encoding="utf-8")
    source = {"path": "code/results/ch04-kv-cache.json"}
    assert measurement_device(tmp_path, source) == "H200"
    assert measurement_note("H200", 4, 4) == "H200 实测，见本章代码示例"
    assert measurement_note("H200", 4, 1) == "H200 实测，见第4章代码示例"
    assert measurement_device(tmp_path, {"path": "code/results/missing.json"}) is None
