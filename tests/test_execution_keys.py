"""The inputs key of a notebook run: which edits change it and which do not (no imports, no execution)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from book.execution import keys


def notebook(cells: list[tuple[str, str]]) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": kind, "metadata": {}, "source": src,
                       **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                      for kind, src in cells]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small repository: code/common with a chain of imports, a corpus, a lock and one notebook."""
    root = tmp_path / "repo"
    common = root / "code" / "common"
    common.mkdir(parents=True)
    (common / "__init__.py").write_text('"""shared"""\n')
    (common / "runtime.py").write_text("import os\n")
    (common / "train.py").write_text("from .data import corpus\nfrom . import model\n")
    (common / "data.py").write_text("from common.tokenizer import encode\n")
    (common / "tokenizer.py").write_text("def encode(s): return s\n")
    (common / "model.py").write_text("import torch\n")
    (common / "batching.py").write_text("from .model import *\n")
    (common / "unused.py").write_text("x = 1\n")
    corpus = root / "code" / "corpus"
    corpus.mkdir()
    (corpus / "corpus.txt.xz").write_bytes(b"\xfd7zXZ\x00fixed bytes")
    (corpus / "LICENSE").write_text("CC0\n")
    (root / "requirements.lock").write_text("mkdocs==1.6.1\ntorch==2.13.0\n")
    ch = root / "code" / "ch04-kv-cache"
    ch.mkdir()
    write(ch / "kv.ipynb", [("markdown", "# 标题\n说明"), ("code", "import torch\nfrom common import runtime"),
                            ("code", "%matplotlib inline\nfrom common.train import trained_model"),
                            ("markdown", "更多说明")])
    return root


def write(path: Path, cells) -> None:
    path.write_text(json.dumps(notebook(cells), ensure_ascii=False, indent=1), encoding="utf-8")


def key(repo: Path, scale="ci", device="cpu") -> keys.Inputs:
    return keys.notebook_inputs(repo / "code" / "ch04-kv-cache" / "kv.ipynb", scale, device, root=repo)


def edit_notebook(repo: Path, change) -> None:
    path = repo / "code" / "ch04-kv-cache" / "kv.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def test_inputs_are_the_imported_common_files_transitively(repo):
    inputs = key(repo).inputs
    assert set(inputs) == {
        "code/ch04-kv-cache/kv.ipynb", "code/common/__init__.py", "code/common/runtime.py",
        "code/common/train.py", "code/common/data.py", "code/common/tokenizer.py", "code/common/model.py",
        "code/corpus/corpus.txt.xz", "code/corpus/LICENSE", "requirements.lock#torch"}
    assert all(len(h) == 64 for h in inputs.values())


def test_star_import_counts_every_module_of_the_package(repo):
    edit_notebook(repo, lambda nb: nb["cells"].append(notebook([("code", "from common import *")])["cells"][0]))
    assert "code/common/unused.py" in key(repo).inputs


def test_key_is_stable_and_depends_on_scale_and_device(repo):
    base = key(repo).key
    assert key(repo).key == base
    assert key(repo, scale="full").key != base
    assert key(repo, device="cuda").key != base
    assert key(repo, scale="full").inputs == key(repo).inputs


def test_code_cell_edit_changes_the_key(repo):
    before = key(repo)
    edit_notebook(repo, lambda nb: nb["cells"][1].__setitem__("source", nb["cells"][1]["source"] + "\nprint(1)"))
    after = key(repo)
    assert after.key != before.key
    assert keys.changed(before.inputs, after.inputs) == [("code/ch04-kv-cache/kv.ipynb", "changed")]


def test_markdown_outputs_and_metadata_do_not_change_the_key(repo):
    before = key(repo).key

    def change(nb):
        nb["cells"][0]["source"] = "# 新标题\n完全不同的说明"
        nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hello\n"}]
        nb["cells"][1]["execution_count"] = 7
        nb["cells"][1]["metadata"] = {"tags": ["hide-input"]}
        nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "附注"})
    edit_notebook(repo, change)
    assert key(repo).key == before


def test_imported_common_module_changes_the_key_others_do_not(repo):
    before = key(repo)
    (repo / "code" / "common" / "batching.py").write_text("# not imported by this notebook\n")
    (repo / "code" / "common" / "unused.py").write_text("x = 2\n")
    assert key(repo).key == before.key
    (repo / "code" / "common" / "tokenizer.py").write_text("def encode(s): return s[::-1]\n")  # via train -> data
    after = key(repo)
    assert after.key != before.key
    assert keys.changed(before.inputs, after.inputs) == [("code/common/tokenizer.py", "changed")]


def test_new_import_adds_an_input(repo):
    before = key(repo)
    (repo / "code" / "common" / "tokenizer.py").write_text("from .batching import x\n")
    after = key(repo)
    assert ("code/common/batching.py", "added") in keys.changed(before.inputs, after.inputs)


def test_a_corpus_committed_in_parts_is_the_file_they_make(repo):
    """The corpus is committed in parts under the size limit and joined by make: the key is the same with the parts
    alone, with the joined copy beside them, and with the whole file; a changed part changes the joined file's hash."""
    corpus = repo / "code" / "corpus"
    whole = key(repo)
    data = (corpus / "corpus.txt.xz").read_bytes()
    (corpus / "corpus.txt.xz.part00").write_bytes(data[:7])
    (corpus / "corpus.txt.xz.part01").write_bytes(data[7:])
    assert key(repo).inputs == whole.inputs  # the joined copy beside its parts counts once
    (corpus / "corpus.txt.xz").unlink()
    assert key(repo).inputs == whole.inputs  # a fresh clone, before make joins them
    (corpus / "corpus.txt.xz.part01").write_bytes(data[7:] + b"!")
    assert keys.changed(whole.inputs, key(repo).inputs) == [("code/corpus/corpus.txt.xz", "changed")]


def test_corpus_and_lock_change_the_key(repo):
    base = key(repo)
    (repo / "code" / "corpus" / "corpus.txt.xz").write_bytes(b"\xfd7zXZ\x00other bytes")
    corpus = key(repo)
    assert corpus.key != base.key
    assert keys.changed(base.inputs, corpus.inputs) == [("code/corpus/corpus.txt.xz", "changed")]
    (repo / "requirements.lock").write_text("mkdocs==1.6.1\ntorch==2.14.0\n")
    lock = key(repo)
    assert lock.key != corpus.key
    assert keys.changed(corpus.inputs, lock.inputs) == [("requirements.lock#torch", "changed")]


def test_a_toolchain_only_pin_leaves_the_key_alone(repo):
    """Pins the site, figures or print add (or bump) are not imported by any notebook: no measured result goes stale."""
    before = key(repo)
    (repo / "requirements.lock").write_text(
        "# pip freeze\nmatplotlib==3.10.7\nmkdocs==1.6.2\ntorch==2.13.0\ntypst==0.14.1\nWeasyPrint==66.0\n")
    assert key(repo).key == before.key


def test_a_pin_is_found_by_its_distribution_name_when_the_module_is_named_otherwise(repo):
    """`import yaml` is PyYAML's pin (read from the installed distributions), written in any case or separator."""
    (repo / "code" / "common" / "runtime.py").write_text("import os\nimport yaml\n")
    (repo / "requirements.lock").write_text("mkdocs==1.6.1\nPyYAML==6.0.3\ntorch==2.13.0\n")
    before = key(repo)
    assert {"requirements.lock#pyyaml", "requirements.lock#torch"} <= set(before.inputs)
    (repo / "requirements.lock").write_text("mkdocs==1.6.1\nPyYAML==6.0.4\ntorch==2.13.0\n")
    assert keys.changed(before.inputs, key(repo).inputs) == [("requirements.lock#pyyaml", "changed")]


def test_an_import_no_pin_provides_keeps_the_whole_lock(repo):
    (repo / "code" / "common" / "runtime.py").write_text("import os\nimport not_a_pinned_package\n")
    before = key(repo)
    assert "requirements.lock" in before.inputs
    (repo / "requirements.lock").write_text("mkdocs==1.6.2\ntorch==2.13.0\n")
    assert keys.changed(before.inputs, key(repo).inputs) == [("requirements.lock", "changed")]


def test_local_module_beside_the_notebook_counts(repo):
    (repo / "code" / "ch04-kv-cache" / "helpers.py").write_text("from common.batching import x\n")
    edit_notebook(repo, lambda nb: nb["cells"].append(notebook([("code", "import helpers")])["cells"][0]))
    inputs = key(repo).inputs
    assert {"code/ch04-kv-cache/helpers.py", "code/common/batching.py"} <= set(inputs)


def test_unparsable_cell_falls_back_to_a_pattern_scan(repo):
    edit_notebook(repo, lambda nb: nb["cells"].append(
        notebook([("code", "%%time\nfrom common import batching\nx = (")])["cells"][0]))
    assert "code/common/batching.py" in key(repo).inputs


def test_keys_imports_nothing_but_the_standard_library():
    source = Path(keys.__file__).read_text(encoding="utf-8")
    tree = keys.ast.parse(source)
    modules = {n.module for n in keys.ast.walk(tree) if isinstance(n, keys.ast.ImportFrom)}
    modules |= {a.name for n in keys.ast.walk(tree) if isinstance(n, keys.ast.Import) for a in n.names}
    import sys
    assert {m.split(".")[0] for m in modules} <= set(sys.stdlib_module_names)


def test_env_contract_and_cli(repo, capsys):
    inputs = key(repo, "full", "cuda")
    env = inputs.env()
    assert env["BOOK_INPUTS_KEY"] == inputs.key and json.loads(env["BOOK_INPUTS"]) == inputs.inputs
    assert keys.main([str(repo / "code" / "ch04-kv-cache" / "kv.ipynb"), "--scale", "full", "--device", "cuda",
                      "--root", str(repo)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"key": inputs.key, "inputs": inputs.inputs}


def test_unreadable_notebook_is_an_error_not_a_traceback(repo, capsys):
    bad = repo / "code" / "ch04-kv-cache" / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(keys.InputsError):
        keys.notebook_inputs(bad, "ci", "cpu", root=repo)
    assert keys.main([str(bad), "--root", str(repo)]) == 2
    assert "cannot read" in capsys.readouterr().err
