# 《LLM推理优化实战》: the commands an author types. The first use creates .venv with the pinned dependencies.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
READY  := $(STAMP)
BOOK   := $(VENV)/bin/book
PYTEST := $(VENV)/bin/python -m pytest

.PHONY: check site serve todo lint verify hooks test gpu gpu-wheels bench bench-check bench-print lock browser print-deps pdf \
        epub manuscript-docx clean clean-cache

# A failed step ends with a one-line verdict: what failed, and whether it found problems (exit status 1) or could not
# run (any other). GNU make then adds its own `make: *** [target] Error N` line and exits 2 for any failed step.
FAILED = { s=$$?; if [ $$s -eq 1 ]; then why="发现问题，见上方的诊断"; else why="无法运行，见上方的说明"; fi; \
           echo "make $@：未通过 — $$why（退出码 $$s）" >&2; exit $$s; }
# Shows the command, runs it, and gives the verdict if it fails.
step = @echo '$(1)' >&2; $(1) || $(FAILED)

check: $(READY)
	$(call step,$(BOOK) check)

site: $(READY)
	$(call step,$(BOOK) site)

# The theme's notice about its end of life and MkDocs 2 is hidden here as in `make site`.
serve: $(READY)
	DRAFT=$${DRAFT:-1} NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve

# FORMAT=markdown|json|csv for editors and spreadsheets (default: a table).
todo: $(READY)
	$(call step,$(BOOK) todo $(if $(FORMAT),--format $(FORMAT)))

# Typography of the prose; `make lint FIX=1` writes the corrections, `make lint DIFF=1` only shows them.
lint: $(READY)
	$(call step,$(BOOK) lint $(if $(FIX),--fix) $(if $(DIFF),--fix --diff))

# pre-commit checks what each `git commit` commits (book toc, book claims, book lint).
hooks: $(READY)
	$(VENV)/bin/pre-commit install

# Cited figures against the source documents kept here (sources/<key>.pdf or a registry file:); see README.
verify: $(READY)
	$(call step,$(BOOK) sources verify)

# The print-ready PDF (build/book.pdf; DRAFT=1: build/book-draft.pdf with the TODO state marked), typeset by Typst.
pdf: $(READY)
	$(call step,$(VENV)/bin/python -m book.print pdf $(if $(filter-out 0,$(DRAFT)),--draft))

# The EPUB 3 (build/book.epub), checked by EPUBCheck (needs Java: make print-deps).
epub: $(READY)
	$(call step,$(VENV)/bin/python -m book.print epub)

# For the publisher's editor: build/manuscript.docx, and the figures as separate files in build/figures/.
manuscript-docx: $(READY)
	$(call step,$(VENV)/bin/python -m book.print docx)

# PYTEST_ARGS go to pytest as the shell reads them (quotes and commas included, hence no $(call …) here).
test: $(READY) browser print-deps
	@echo "pytest -q …"; $(PYTEST) -q $(PYTEST_ARGS) || $(FAILED)

# On a GPU machine, with its own CUDA build of PyTorch and the wheels of `make gpu-wheels` installed (the .venv holds a
# CPU-only torch): runs the notebooks at full size under nbval, one at a time; they record their figures into
# code/results/, each stamped with its run's inputs key (BOOK_INPUTS_KEY, BOOK_INPUTS) so that `book check` can tell
# when a result no longer matches the code, and each executed notebook is kept beside its results file
# (code/results/<stem>.ipynb, the key in its metadata as book.inputs_key). CHAPTERS="ch02 ch05" runs those chapters
# only (one command per group keeps a run short).
# `common` and `book` come from the checkout (PYTHONPATH): no install needed there.
GPU_PYTHON ?= python3
CHAPTERS ?=
GPU_NOTEBOOKS = $(if $(CHAPTERS),$(foreach c,$(CHAPTERS),$(wildcard code/$(c)-*/*.ipynb)),$(wildcard code/ch*/*.ipynb))
gpu:
	@test -n "$(GPU_NOTEBOOKS)" || { echo "make gpu：CHAPTERS=$(CHAPTERS) 没有对应的 notebook"; exit 2; }
	$(call step,BOOK_SCALE=full BOOK_DEVICE=cuda PYTHONPATH=$(CURDIR)/code:$(CURDIR)/tools$${PYTHONPATH:+:$$PYTHONPATH} $(GPU_PYTHON) -m book notebooks --scale full --force -j 1 $(GPU_NOTEBOOKS))

# For a GPU machine without internet: binary wheels (Python 3.12, x86-64 manylinux) of the pinned packages its CUDA
# image lacks (tools/gpu/wheels.txt; never torch or numpy) into .whl/ (git-ignored, under 64 MiB). There:
# python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl; PYTHONPATH=/tmp/site make gpu …
gpu-wheels:
	$(call step,$(PYTHON) tools/gpu/wheels.py .whl)

bench: $(READY)
	$(call step,$(VENV)/bin/python bench/claims_bench.py)
	$(call step,$(VENV)/bin/python bench/verify_bench.py)

# make pdf after a one-paragraph edit, caches filled (budget 15 s on the 2-core machine).
bench-print: $(READY)
	$(call step,$(VENV)/bin/python bench/print_bench.py)

# make check's cost when nothing changed, after a prose edit, after a notebook edit; cold notebooks with 1 and 2 workers.
bench-check: $(READY)
	$(VENV)/bin/python bench/check_bench.py

# Reinstalls only when the pins or the package metadata change.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(VENV)/bin/python || { echo "创建 $(VENV)（Python 虚拟环境）…"; $(PYTHON) -m venv $(VENV); }
	@echo "安装锁定版本的依赖到 $(VENV)（第一次约需一两分钟，之后只在 requirements.lock 变化时重装）…"
	$(VENV)/bin/python -m pip install --disable-pip-version-check --progress-bar on -r requirements.lock \
	  | grep --line-buffered -E '^(Collecting|Processing|Downloading|Installing|Successfully)' ; test $${PIPESTATUS[0]} -eq 0
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@
	@echo "安装完成。命令行 book 在 $(VENV)/bin/ 中：执行 source $(VENV)/bin/activate 之后可以直接输入 book（例如 book lint）。"

# Re-resolve requirements.in into requirements.lock (run by hand when a pin changes).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in with pip freeze; the Makefile installs exactly this."; \
	  .venv-lock/bin/python -m pip freeze | sed 's/^torch==\(.*\)+cpu$$/torch==\1/'; } > requirements.lock
	rm -rf .venv-lock

# The browser tests drive Debian's Chromium; install it when this machine lets us (root, apt).
browser:
	@bash tools/install-browser.sh

# The Noto CJK fonts and a Java runtime for the print outputs; install them when this machine lets us (root, apt).
print-deps:
	@bash tools/install-print.sh

clean:
	rm -rf $(VENV) site .site-*

# Empties the caches: the store of passing notebook runs and the skipped-step results of book check (.cache/, or
# $$BOOK_CACHE_DIR), and the trained models and ci-scale results (code/.cache/). The next make check runs everything.
clean-cache:
	PYTHONPATH=tools $(PYTHON) -m book.execution.store clean .
	rm -rf code/.cache
