"""The store of passing notebook runs: trusted entries only, atomic writes, three kept, shared by two processes."""
from __future__ import annotations

import json
import multiprocessing
import random
from pathlib import Path

import pytest

from book.execution.store import KEEP, Store, checksum

NB = "code/ch04-kv-cache/kv_cache.ipynb"


def put(store: Store, key: str, **over):
    args = dict(scale="ci", device="cpu", inputs={NB: "a" * 64, "requirements.lock": "b" * 64}, expected="e" * 64,
                seconds=1.5, cells=[{"cell": 0, "outcome": "passed", "seconds": 1.0}],
                outputs=[[{"output_type": "stream", "name": "stdout", "text": "你好\n"}]])
    args.update(over)
    return store.put(NB, key, **args)


def test_put_then_get(tmp_path):
    store = Store(tmp_path)
    path = put(store, "k1")
    assert path.parent.parent == tmp_path / "notebooks" / "v1"
    entry = store.get(NB, "k1", "e" * 64)
    assert entry is not None and entry.inputs[NB] == "a" * 64 and entry.data["verdict"] == "passed"
    assert entry.data["outputs"][0][0]["text"] == "你好\n"
    assert store.get(NB, "k2") is None
    assert store.get(NB, "k1", "other") is None          # the reference outputs changed: not an answer
    assert store.get("code/ch05/other.ipynb", "k1") is None


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "checksum", "renamed", "failed", "not-a-dict",
                                    "binary"])
def test_corrupt_entry_is_ignored_and_removed(tmp_path, damage):
    store = Store(tmp_path)
    path = put(store, "k1")
    data = path.read_bytes()
    if damage == "flip":
        i = data.index(b'"text"') + 12
        path.write_bytes(data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:])   # still valid JSON, wrong content
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "checksum":
        doc = json.loads(data)
        doc["seconds"] = 0.1
        path.write_text(json.dumps(doc))
    elif damage == "renamed":                             # a valid entry under another key's name
        path.rename(path.with_name("k2.json"))
        path = path.with_name("k2.json")
    elif damage == "failed":                              # a failing verdict, even with a valid checksum
        doc = json.loads(data)
        doc["verdict"] = "failed"
        doc["checksum"] = checksum(doc)
        path.write_text(json.dumps(doc))
    elif damage == "not-a-dict":
        path.write_text("[1, 2, 3]")
    else:
        path.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(500)))
    key = path.stem
    assert store.get(NB, key) is None
    assert not path.exists()                              # removed: the next run stores a fresh one
    put(store, key)
    assert store.get(NB, key) is not None


def test_keeps_the_latest_three_per_notebook(tmp_path):
    store = Store(tmp_path)
    for i in range(KEEP + 3):
        put(store, f"k{i}")
    names = sorted(p.stem for p in store.folder(NB).glob("*.json"))
    assert names == [f"k{i}" for i in range(3, KEEP + 3)]
    assert store.latest(NB).key == f"k{KEEP + 2}"
    assert not list(store.folder(NB).glob("*.tmp")) and not list(store.folder(NB).glob(".*"))


def test_latest_prefers_same_scale_and_device(tmp_path):
    store = Store(tmp_path)
    put(store, "ci")
    put(store, "full", scale="full", device="cuda")
    assert store.latest(NB, "ci", "cpu").key == "ci"
    assert store.latest(NB, "full", "cuda").key == "full"


def writer(root: str, worker: int, rounds: int) -> None:
    store = Store(Path(root))
    for i in range(rounds):
        put(store, f"k{(worker + i) % 5}", seconds=float(worker))
        for j in range(5):
            entry = store.get(NB, f"k{j}")
            assert entry is None or entry.data["checksum"] == checksum(entry.data)


def test_two_processes_share_the_store(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=writer, args=(str(tmp_path), w, 60)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    store = Store(tmp_path)
    folder = store.folder(NB)
    assert not [p for p in folder.iterdir() if p.suffix != ".json"]        # no temp files left behind
    assert 1 <= len(store.entries(NB)) <= 5


def hold_lock(root: str, notebook: str, seconds: float, ready) -> None:
    import time
    with Store(Path(root)).lock(notebook):
        ready.set()
        time.sleep(seconds)


def test_lock_makes_a_second_run_wait(tmp_path):
    import time
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    p = ctx.Process(target=hold_lock, args=(str(tmp_path), NB, 1.0, ready))
    p.start()
    assert ready.wait(30)
    waited = []
    started = time.monotonic()
    with Store(tmp_path).lock(NB, on_wait=lambda: waited.append(True)):
        elapsed = time.monotonic() - started
    p.join(30)
    assert waited and elapsed >= 0.5


def test_clear_empties_the_store(tmp_path):
    store = Store(tmp_path)
    put(store, "k1")
    assert store.clear() >= 1
    assert store.get(NB, "k1") is None and not (tmp_path / "notebooks").exists()
