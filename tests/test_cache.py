"""The cache base: where caches live, versioned folders, atomic JSON, damaged entries ignored."""
from __future__ import annotations

from book import cache


def test_cache_root_follows_book_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache.cache_root(tmp_path / "repo") == tmp_path / "elsewhere"
    monkeypatch.delenv("BOOK_CACHE_DIR")
    assert cache.cache_root(tmp_path / "repo") == tmp_path / "repo" / ".cache"


def test_a_new_version_evicts_the_old_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path))
    old = cache.cache_dir(tmp_path, "store", "1")
    assert cache.write_json(old / "entry.json", {"a": 1})
    new = cache.cache_dir(tmp_path, "store", "2")
    assert not old.exists() and new == tmp_path / "store" / "v2"


def test_json_round_trip_and_damaged_entries(tmp_path):
    path = tmp_path / "x" / "entry.json"
    assert cache.write_json(path, {"verdict": ["ok", 1]})
    assert cache.read_json(path) == {"verdict": ["ok", 1]}
    assert [p.name for p in path.parent.iterdir()] == ["entry.json"]  # no temporary file left behind
    path.write_bytes(b'{"verdict": [\x00')
    assert cache.read_json(path) is None
    assert cache.read_json(tmp_path / "missing.json") is None
