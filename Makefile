# 《LLM推理优化实战》: the commands an author types. The first use creates .venv with the pinned dependencies.
# `make help` lists every target: the line `#> 中文 | English` above a target is its entry (tools/make-help.sh).
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
# The demos' training corpus is committed in parts, each under the size limit for a tracked file; the code reads the
# joined file (git-ignored), made here. Its inputs key is the same either way (book.execution.keys.joined_files).
CORPUS := code/corpus/corpus.txt.xz
READY  := $(STAMP) $(CORPUS)
BOOK   := $(VENV)/bin/book
PYTEST := $(VENV)/bin/python -m pytest
# make's own lines in the author's language: BOOK_LANG=en (as for the book command) makes them English.
ifneq ($(filter en% EN% En%,$(BOOK_LANG)),)
  WHY_FOUND  := problems found, see the diagnostics above
  WHY_CANNOT := could not run, see the message above
  VERDICT     = make $@: failed — $$why (exit status $$s)
  SERVE_URL   = preview: http://$(ADDR)/ (draft site; reloads when a file is saved; Ctrl-C stops it)
  SERVE_BUSY  = $(ADDR) is in use (another make serve still running?): stop it, or use make serve ADDR=127.0.0.1:8001
  TEST_NOTE   = running the toolchain's tests (pytest; about 10 minutes)…
  NO_NOTEBOOKS = make gpu: no notebook for CHAPTERS=$(CHAPTERS)
  INSTALLING  = installing the pinned dependencies into $(VENV) (requirements.lock; a few minutes the first time, then only when it changes)…
  INSTALL_FAILED = installing the dependencies failed (pip says why above; often the network or disk space): fix it and run make again; what is installed stays
  INSTALLED   = installed. The book command is in $(VENV)/bin/: after source $(VENV)/bin/activate, type book (e.g. book lint).
else
  WHY_FOUND  := 发现问题，见上方的诊断
  WHY_CANNOT := 无法运行，见上方的说明
  VERDICT     = make $@：未通过 — $$why（退出码 $$s）
  SERVE_URL   = 本地预览：http://$(ADDR)/ （草稿版；保存文件后自动刷新；Ctrl-C 停止）
  SERVE_BUSY  = 地址 $(ADDR) 已被占用（也许另一个 make serve 还在运行）：停止它，或用 make serve ADDR=127.0.0.1:8001
  TEST_NOTE   = 运行工具链的测试（pytest；约 10 分钟）…
  NO_NOTEBOOKS = make gpu：CHAPTERS=$(CHAPTERS) 没有对应的 notebook
  INSTALLING  = 安装锁定版本的依赖到 $(VENV)（requirements.lock；第一次约需几分钟，之后只在它变化时重装）…
  INSTALL_FAILED = 安装依赖失败（原因见上方 pip 的说明，常见的是网络或磁盘空间）：修好后再运行 make，已装好的包不会重装
  INSTALLED   = 安装完成。命令行 book 在 $(VENV)/bin/ 中：执行 source $(VENV)/bin/activate 之后可以直接输入 book（例如 book lint）。
endif

.PHONY: help check site serve todo lint verify figures hooks test gpu gpu-wheels bench bench-check bench-print lock browser print-deps pdf \
        epub manuscript-docx clean clean-cache

# A failed step ends with a one-line verdict: what failed, and whether it found problems (exit status 1) or could not
# run (any other). GNU make then adds its own `make: *** [target] Error N` line and exits 2 for any failed step.
FAILED = { s=$$?; if [ $$s -eq 1 ]; then why="$(WHY_FOUND)"; else why="$(WHY_CANNOT)"; fi; \
           echo "$(VERDICT)" >&2; exit $$s; }
# Shows the command, runs it, and gives the verdict if it fails.
step = @echo '$(1)' >&2; $(1) || $(FAILED)

#> 合并前的全部检查：目录、数据与引用、排版、待办、notebook、严格构建网站（第一次运行时创建 .venv） | everything a branch must pass before merging (creates .venv on first use)
check: $(READY)
	$(call step,$(BOOK) check)

#> 构建正式版网站到 site/（构建失败时保留旧的 site/；DRAFT=1 为草稿版） | build the release site into site/ (a failed build keeps the old one; DRAFT=1: draft)
site: $(READY)
	$(call step,$(BOOK) site)

#> 本地实时预览草稿版网站，打印网址；ADDR=127.0.0.1:8001 换端口，V=1 显示 MkDocs 的全部日志 | live preview of the draft site at the printed address; ADDR=host:port, V=1 for MkDocs' full log
# MkDocs' INFO lines (each rebuild) are left out unless V=1; its warnings stay. The theme's notice about its end of
# life and MkDocs 2 is hidden as in `make site`.
ADDR ?= 127.0.0.1:8000
# MkDocs' INFO lines, and what jieba (Chinese search) says while it loads its dictionary.
SERVE_QUIET := ^INFO|^ *$$|^Building prefix dict|^Loading model|^Dumping model|^Prefix dict has been built
serve: $(READY)
	@if (exec 3<>/dev/tcp/$(subst :,/,$(ADDR))) 2>/dev/null; then \
	  echo "$(SERVE_BUSY)" >&2; exit 2; fi
	@echo "$(SERVE_URL)" >&2
	@DRAFT=$${DRAFT:-1} NO_MKDOCS_2_WARNING=1 PYTHONWARNINGS=ignore $(VENV)/bin/mkdocs serve -a $(ADDR) 2>&1 \
	  $(if $(V),,| grep --line-buffered -v -E '$(SERVE_QUIET)')

#> 列出未完成的数据项（待补页码、待办清单、TODO(data)）；FORMAT=csv|markdown|json 给表格与编辑器 | the open data items; FORMAT=csv|markdown|json for spreadsheets and editors
todo: $(READY)
	$(call step,$(BOOK) todo $(if $(FORMAT),--format $(FORMAT)))

#> 检查中文排版；DIFF=1 只显示将要做的修改，FIX=1 写回文件 | typography of the prose; DIFF=1 shows the corrections, FIX=1 writes them
lint: $(READY)
	$(call step,$(BOOK) lint $(if $(FIX),--fix) $(if $(DIFF),--fix --diff))

#> 重画输入（结果文件、绘图代码、字体、matplotlib 版本）变了的图（manuscript/figures/），CPU 上几秒 | redraw the figures whose inputs changed (results, plotting code, font, matplotlib), seconds on a CPU
figures: $(READY)
	$(call step,$(BOOK) figures)

#> 安装 pre-commit 钩子：每次 git commit 前检查要提交的书稿 | install the pre-commit hooks: each git commit checks what it commits
hooks: $(READY)
	@$(VENV)/bin/pre-commit install

#> 用本机的来源文档（sources/<键>.pdf）核对引用的数字是否在所引的页上 | check cited figures against the local source documents
verify: $(READY)
	$(call step,$(BOOK) sources verify)

#> 出版用的 PDF（build/book.pdf，Typst 排版；DRAFT=1 为标出待办的草稿版） | the print-ready PDF (build/book.pdf, typeset by Typst; DRAFT=1: the draft)
# The print-ready PDF (build/book.pdf; DRAFT=1: build/book-draft.pdf with the TODO state marked), typeset by Typst.
pdf: $(READY)
	$(call step,$(VENV)/bin/python -m book.print pdf $(if $(filter-out 0,$(DRAFT)),--draft))

#> 电子书 EPUB 3（build/book.epub，经 EPUBCheck 检查；需要 Java：make print-deps） | the EPUB 3 (build/book.epub, checked by EPUBCheck; needs Java: make print-deps)
# The EPUB 3 (build/book.epub), checked by EPUBCheck (needs Java: make print-deps).
epub: $(READY)
	$(call step,$(VENV)/bin/python -m book.print epub)

#> 给出版社编辑的 build/manuscript.docx，图片另存在 build/figures/ | build/manuscript.docx for the publisher's editor, figures apart in build/figures/
# For the publisher's editor: build/manuscript.docx, and the figures as separate files in build/figures/.
manuscript-docx: $(READY)
	$(call step,$(VENV)/bin/python -m book.print docx)

#> 工具链自己的测试（CI 运行它，约 10 分钟；只改书稿时不必运行）；PYTEST_ARGS 传给 pytest | the toolchain's own tests (CI runs them, about 10 minutes); PYTEST_ARGS go to pytest
# PYTEST_ARGS go to pytest as the shell reads them (quotes and commas included, hence no $(call …) here).
test: $(READY) browser print-deps
	@echo "$(TEST_NOTE)" >&2; $(PYTEST) -q $(PYTEST_ARGS) || $(FAILED)

#> 在 GPU 机器上以全尺寸运行 notebook，结果写入 code/results/；CHAPTERS=ch05 只运行这些章 | run the notebooks at full size on a GPU machine into code/results/; CHAPTERS=ch05 for some
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
gpu: $(CORPUS)
	@test -n "$(GPU_NOTEBOOKS)" || { echo "$(NO_NOTEBOOKS)" >&2; exit 2; }
	$(call step,BOOK_SCALE=full BOOK_DEVICE=cuda PYTHONPATH=$(CURDIR)/code:$(CURDIR)/tools$${PYTHONPATH:+:$$PYTHONPATH} $(GPU_PYTHON) -m book notebooks --scale full --force -j 1 $(GPU_NOTEBOOKS))

#> 为不能上网的 GPU 机器下载它缺的 wheel（Python 3.12，x86-64）到 .whl/ | wheels for an offline GPU machine (Python 3.12, x86-64) into .whl/
# For a GPU machine without internet: binary wheels (Python 3.12, x86-64 manylinux) of the pinned packages its CUDA
# image lacks (tools/gpu/wheels.txt; never torch or numpy) into .whl/ (git-ignored, under 64 MiB). There:
# python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl; PYTHONPATH=/tmp/site make gpu …
gpu-wheels:
	$(call step,$(PYTHON) tools/gpu/wheels.py .whl)

#> 性能基准：约一百万字书稿的数据声明检查、100 页 PDF 的来源核对 | benchmarks: claims on a million-character book, verification on a 100-page PDF
# The claims benchmark last: it exits 1 while its target (0.6 s) is missed, which would stop make before the other.
bench: $(READY)
	$(call step,$(VENV)/bin/python bench/verify_bench.py)
	$(call step,$(VENV)/bin/python bench/claims_bench.py)

#> make pdf 在改了一段正文之后的耗时（缓存已满；两核机器上的预算 15 秒） | make pdf after a one-paragraph edit, caches filled (budget 15 s)
# make pdf after a one-paragraph edit, caches filled (budget 15 s on the 2-core machine).
bench-print: $(READY)
	$(call step,$(VENV)/bin/python bench/print_bench.py)

#> make check 本身的开销：不改动、改正文、改 notebook 之后，以及冷启动的 notebook | what make check costs: no change, a prose edit, a notebook edit, cold notebooks
# make check's cost when nothing changed, after a prose edit, after a notebook edit; cold notebooks with 1 and 2 workers.
bench-check: $(READY)
	$(VENV)/bin/python bench/check_bench.py

# The virtual environment, checked before anything is installed: tools/venv.sh refuses a Python older than 3.11 in
# one line, and replaces a .venv that an earlier try left incomplete. Reinstalls only when the pins or the package
# metadata change; the stamp is written last, so an interrupted install is taken up again by the next make.
$(STAMP): requirements.lock pyproject.toml
	@bash tools/venv.sh "$(PYTHON)" "$(VENV)" "$(origin PYTHON)"
	@echo "$(INSTALLING)" >&2
	@$(VENV)/bin/python -m pip install --disable-pip-version-check --progress-bar off -r requirements.lock \
	  | grep --line-buffered -E '^(Collecting|Processing|Downloading|Successfully)'; \
	  test $${PIPESTATUS[0]} -eq 0 || { echo "$(INSTALL_FAILED)" >&2; exit 2; }
	@$(VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . \
	  || { echo "$(INSTALL_FAILED)" >&2; exit 2; }
	@touch $@
	@echo "$(INSTALLED)" >&2

$(CORPUS): $(sort $(wildcard $(CORPUS).part*))
	@cat $^ > $@.tmp && mv $@.tmp $@

#> 按 requirements.in 重新解析并写入 requirements.lock（改了依赖时手动运行） | re-resolve requirements.in into requirements.lock (when a pin changes)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in with pip freeze; the Makefile installs exactly this."; \
	  .venv-lock/bin/python -m pip freeze | sed 's/^torch==\(.*\)+cpu$$/torch==\1/'; } > requirements.lock
	rm -rf .venv-lock

#> 为网站的浏览器测试安装 Chromium 与中文字体（make test 会先运行它；需要 root 与 apt） | install Chromium and CJK fonts for the site's browser tests (root and apt)
browser:
	@bash tools/install-browser.sh

#> 为 PDF 与 EPUB 安装 Noto CJK 字体与 Java（make test 会先运行它；需要 root 与 apt） | install the Noto CJK fonts and Java for the print outputs (root and apt)
# The Noto CJK fonts and a Java runtime for the print outputs; install them when this machine lets us (root, apt).
print-deps:
	@bash tools/install-print.sh

#> 删除 .venv 与构建出的网站（下一次 make 重新安装） | remove .venv and the built site (the next make reinstalls)
clean:
	rm -rf $(VENV) site .site-*

#> 清空缓存（notebook 运行记录、检查结果、训练好的模型）；下一次 make check 全部重新运行 | empty the caches; the next make check runs everything
# Empties the caches: the store of passing notebook runs and the skipped-step results of book check (.cache/, or
# $$BOOK_CACHE_DIR), and the trained models and ci-scale results (code/.cache/). The next make check runs everything.
clean-cache:
	PYTHONPATH=tools $(PYTHON) -m book.execution.store clean .
	rm -rf code/.cache

#> 列出所有目标，一行一个 | every target, one line each
help:
	@bash tools/make-help.sh list Makefile

# A target this Makefile does not have (`make chek`): the nearest one, and where to see them all.
.DEFAULT:
	@bash tools/make-help.sh suggest Makefile "$@"; exit 2
