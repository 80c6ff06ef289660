"""The message catalogue: every finding's message in Chinese (the default) and English (`BOOK_LANG=en`).

A check names a message by its id and gives its parameters; the id starts with the finding's code (`bad-page:range`
is a `bad-page`), or `file:` for the problems of reading any file. The machine-readable parts of a diagnostic line
(path, position, severity, code) stay English in both languages.
"""
from __future__ import annotations

import os

from .findings import Finding

MESSAGES: dict[str, dict[str, str]] = {
    # A file that is not there (the finding's code is that of the check that read it; see also file-encoding).
    "file:not-found": {"zh": "找不到文件", "en": "file not found"},
    # The source registry, manuscript/sources.yaml.
    "source-registry:yaml": {"zh": "不是有效的 YAML：{problem}", "en": "not valid YAML: {problem}"},
    "source-registry:not-mapping": {"zh": "来源登记表必须是“来源键 → 来源”的映射",
                                    "en": "the registry must map source keys to sources"},
    "source-registry:schema": {"zh": "不符合 schemas/sources.schema.json：{problem}", "en": "{problem}"},
    "source-registry:missing-path": {"zh": "{key}：仓库中没有 {path}", "en": "{key}: {path} does not exist in the repository"},
    "source-registry:alias-taken": {"zh": "别名“{alias}”已被 {other} 使用", "en": "alias '{alias}' is already used by {other}"},
    # The table of contents.
    "toc-parse:yaml": {"zh": "front matter 不是有效的 YAML：{problem}", "en": "front matter is not valid YAML: {problem}"},
    "toc-parse:front-not-mapping": {"zh": "front matter 必须是键值映射", "en": "front matter must be a mapping of keys to values"},
    "toc-parse:front-unclosed": {"zh": "front matter 没有结束：在它后面加一行 '---'",
                                 "en": "the front matter is not closed: end it with a line '---'"},
    "toc-parse:empty": {"zh": "空文件：没有目录", "en": "empty file: no table of contents"},
    "toc-parse:before-part": {"zh": "第一个部分标题（'## 第一部分 …'）之前有文字",
                              "en": "text before the first part heading ('## 第一部分 …')"},
    "toc-parse:part-heading": {"zh": "部分标题应写作 '## 第N部分 标题' 或 '## 附录'，而不是“{title}”",
                               "en": "a part heading reads '## 第N部分 标题' or '## 附录', not '{title}'"},
    "toc-parse:chapter-heading": {"zh": "章标题应写作 '### 第N章 标题' 或 '### 附录X 标题'，而不是“{title}”",
                                  "en": "a chapter heading reads '### 第N章 标题' or '### 附录X 标题', not '{title}'"},
    "toc-parse:chapter-outside-part": {"zh": "章不在任何部分之下：在它上面加 '## 第N部分 …'",
                                       "en": "chapter outside a part: add '## 第N部分 …' above it"},
    "toc-parse:section-heading": {"zh": "节标题应写作 '#### N.M 标题'，而不是“{title}”",
                                  "en": "a section heading reads '#### N.M 标题', not '{title}'"},
    "toc-parse:section-outside-chapter": {"zh": "节不在任何章之下", "en": "section outside a chapter"},
    "toc-parse:subsection-outside-section": {"zh": "小节不在任何节之下", "en": "subsection outside a section"},
    "toc-parse:heading-level": {"zh": "{level} 级标题不属于目录格式（部分 ##、章 ###、节 ####）",
                                "en": "heading level {level} is not part of the TOC format (parts ##, chapters ###, sections ####)"},
    "toc-schema": {"zh": "不符合 schemas/toc.schema.json：{problem}", "en": "{problem}"},
    "toc-duplicate": {"zh": "{what} {number} 重复编号（首次出现在第 {first} 行）",
                      "en": "{what} '{number}' is numbered again (first at line {first})"},
    "toc-numbering:sequence": {"zh": "{what} {number} 出现在应为 {expected} 的位置",
                               "en": "{what} '{number}' where '{expected}' comes next"},
    "toc-numbering:misplaced": {"zh": "{number} 位于 {parent_label} 之下：编号必须以 {parent}. 开头",
                                "en": "{number} is under {parent_label}: its number must start with {parent}."},
    "toc-missing-file": {"zh": "{label} 链接到 {link}，但该文件不存在（{path}）",
                         "en": "{label} links to {link}, which does not exist ({path})"},
    "toc-drift:not-in-toc": {"zh": "标题 {number}“{title}”不在目录中（{toc}）",
                             "en": "heading {number} '{title}' is not in the TOC ({toc})"},
    "toc-drift:title": {"zh": "标题 {number} 写作“{title}”，目录中是“{want}”（{where}）",
                        "en": "heading {number} reads '{title}' but the TOC says '{want}' ({where})"},
    "toc-drift:level": {"zh": "标题 {number} 是 {level} 级（{marks}），目录中是 {want} 级",
                        "en": "heading {number} is level {level} ({marks}); the TOC makes it level {want}"},
    "toc-drift:no-title": {"zh": "没有章标题：文件应以 '# {heading}' 开头",
                           "en": "no title heading: the file should open with '# {heading}'"},
    "toc-drift:chapter-title": {"zh": "章标题写作“{written}”，目录中是“{want}”（{where}）",
                                "en": "title heading reads '{written}' but the TOC says '{want}' ({where})"},
    "toc-drift:missing-heading": {"zh": "{number}“{title}”在 {file} 中没有对应的标题",
                                  "en": "{number} '{title}' has no heading in {file}"},
    "toc-consequences": {"zh": "（由此引起：{items}）", "en": " (which causes: {items})"},
    "toc-unlisted": {"zh": "{toc} 没有链接到这个文件，网站不会显示它", "en": "not linked from {toc}"},
    # Data claims and citations.
    "uncited-claim": {"zh": "数据“{figure}”需要在同一句中注明带页码的来源，例如 [@ark-big-ideas-2026, p. N]（页码待查时写 p. ?）",
                      "en": "'{figure}' needs a source with a page in the same sentence, e.g. "
                            "[@ark-big-ideas-2026, p. N] (or p. ? while pending)"},
    "uncited-claim:heading": {"zh": "标题中的数据“{figure}”需要来源：标题里不便加引用，请在标题下的第一句（或目录中它下面的"
                                    "说明条目）注明带页码的来源",
                              "en": "'{figure}' in a heading needs a source: cite it, with a page, in the first sentence "
                                    "under the heading (in the TOC: the note right under it)"},
    "pending-citation": {"zh": "{key} 的页码待核实：“{context}”", "en": "page of {key} to be confirmed: “{context}”"},
    "no-cite-reason": {"zh": "<!-- no-cite: … --> 需要写明理由", "en": "<!-- no-cite: … --> needs a reason"},
    "unknown-source:name": {"zh": "“{name}”不是已登记的来源或别名（manuscript/sources.yaml）",
                            "en": "'{name}' is not a registered source or alias (manuscript/sources.yaml)"},
    "unknown-source:key": {"zh": "“{key}”不是已登记的来源（manuscript/sources.yaml）",
                           "en": "'{key}' is not a registered source (manuscript/sources.yaml)"},
    "missing-page": {"zh": "{key} 需要页码：写成 [@{key}, p. N]，页码待查时写 p. ?",
                     "en": "{key} is paged: add a page, e.g. [@{key}, p. N], or p. ? while it is pending"},
    "bad-page:malformed": {"zh": "引用“{item}”写法有误：应写作 [@key, p. N]",
                           "en": "malformed citation '{item}': write [@key, p. N]"},
    "bad-page:locator": {"zh": "页码“{locator}”写法有误：应写作 p. N、pp. N-M 或 p. ?",
                         "en": "malformed locator '{locator}': write p. N, pp. N-M or p. ?"},
    "bad-page:not-number": {"zh": "页码“{page}”不是数字", "en": "page '{page}' is not a number"},
    "bad-page:below-one": {"zh": "第 {page} 页不存在：页码从 1 开始", "en": "page {page} does not exist: pages start at 1"},
    "bad-page:past-end": {"zh": "第 {page} 页超出了 {key} 的最后一页（第 {pages} 页）",
                          "en": "page {page} is past the last page ({pages}) of {key}"},
    # Reader prose that narrates the manuscript's own TODO state.
    "draft-note": {"zh": "读者可见的正文在叙述书稿自身的待办状态（“{phrase}”）：待办写进 <!-- --> 注释、"
                         "`!!! todo` 框或 TODO(data) 注释，由 book todo 列出",
                   "en": "reader-visible prose narrates the manuscript's own TODO state (“{phrase}”): put it in an "
                         "HTML comment, a `!!! todo` admonition or a TODO(data) comment, which book todo lists"},
    "draft-note:checklist": {"zh": "读者可见的正文里有未完成的清单项（“{phrase}”）：放进 `!!! todo` 框或 <!-- --> 注释",
                             "en": "an open checklist item in reader-visible prose (“{phrase}”): put it in a "
                                   "`!!! todo` admonition or an HTML comment"},
    # Notebooks and recorded results.
    "notebook-invalid:utf8": {"zh": "不是有效的 UTF-8：{reason}", "en": "not valid UTF-8: {reason}"},
    "notebook-invalid:json": {"zh": "不是有效的 JSON：{problem}", "en": "not valid JSON: {problem}"},
    "notebook-invalid:unreadable": {"zh": "无法读取：{reason}", "en": "cannot read: {reason}"},
    "notebook-invalid:schema": {"zh": "不是有效的 notebook：{problem}", "en": "not a valid notebook: {problem}"},
    "notebook-invalid:structure": {"zh": "{where}：结构不符合 nbformat 第 4 版（-v 显示 nbformat 的原文）",
                                   "en": "{where}: not laid out as nbformat 4 wants (-v shows nbformat's words)"},
    "notebook-invalid:inputs": {"zh": "无法计算这个 notebook 的输入哈希：{reason}", "en": "cannot hash this notebook's inputs: {reason}"},
    "nbval-exception": {"zh": "第 {cell} 个代码单元抛出异常：{exception}",
                        "en": "code cell {cell} raised {exception}"},
    "nbval-exception:in-module": {"zh": "第 {cell} 个代码单元抛出异常：{exception}（出自 {where}）",
                                  "en": "code cell {cell} raised {exception} (in {where})"},
    "nbval-timeout": {"zh": "第 {cell} 个代码单元运行了 {seconds} 秒，超过单元时限 {limit} 秒（BOOK_CELL_TIMEOUT 可放宽）",
                      "en": "code cell {cell} ran {seconds} s and hit the per-cell limit of {limit} s "
                            "(BOOK_CELL_TIMEOUT raises it)"},
    "nbval-timeout:output": {"zh": "第 {cell} 个代码单元执行完后，内核在 {seconds} 秒内没有送来它的输出（nbval 的固定等待时间；机器过载时会发生），请重新运行",
                             "en": "code cell {cell} finished but its output did not arrive within {seconds} s (nbval's "
                                   "fixed wait; happens on an overloaded machine): run it again"},
    "nbval-mismatch": {"zh": "第 {cell} 个代码单元的输出与 notebook 中保存的不一致（- 保存的，+ 这次的）：{diff}；"
                             "随机器变化的输出（计时等）请给单元加 nbval-ignore-output 标签",
                       "en": "code cell {cell}: the outputs differ from those stored in the notebook (- stored, + this run): "
                             "{diff}; tag cells whose output depends on the machine (timings) nbval-ignore-output"},
    "nbval-mismatch:more": {"zh": "（另有 {count} 行不同）", "en": " (and {count} more line(s))"},
    "nbval-mismatch:whitespace": {"zh": "差别只在空格或换行", "en": "they differ in spaces or line ends only"},
    "nbval-mismatch:unknown": {"zh": "nbval 没有给出两者的内容", "en": "nbval did not report them"},
    "nbval-failed": {"zh": "nbval 未能运行这个 notebook（pytest 状态 {status}）：{detail}",
                     "en": "nbval could not run this notebook (pytest status {status}): {detail}"},
    "kernel-start": {"zh": "Jupyter 内核无法启动：{reason}", "en": "the Jupyter kernel could not start: {reason}"},
    "notebook-side-effect:created": {"zh": "运行 notebook 时在仓库中创建了这个文件（允许写入的只有 {allowed}）；运行的 notebook：{notebooks}",
                                     "en": "created in the repository while the notebooks ran (they may write only "
                                           "to {allowed}); notebooks run: {notebooks}"},
    "notebook-side-effect:changed": {"zh": "运行 notebook 时修改了仓库中的这个文件（允许写入的只有 {allowed}）；运行的 notebook：{notebooks}",
                                     "en": "changed in the repository while the notebooks ran (they may write only "
                                           "to {allowed}); notebooks run: {notebooks}"},
    "notebook-side-effect:deleted": {"zh": "运行 notebook 时删除了仓库中的这个文件（允许写入的只有 {allowed}）；运行的 notebook：{notebooks}",
                                     "en": "deleted from the repository while the notebooks ran (they may write only "
                                           "to {allowed}); notebooks run: {notebooks}"},
    "stale-result:no-key": {"zh": "记录这些结果时还没有输入哈希（provenance.inputs_key），无法确认它们出自当前代码：重新运行 `{fix}`",
                            "en": "recorded before results carried their inputs key (provenance.inputs_key): nothing "
                                  "ties them to the current code; re-run `{fix}`"},
    "stale-result:changed": {"zh": "自这些结果测量以来，{inputs} 已改变：重新运行 `{fix}`",
                             "en": "{inputs} changed since this result was measured: re-run `{fix}`"},
    "stale-result:key": {"zh": "自这些结果测量以来，它们的输入已改变（输入哈希不同）：重新运行 `{fix}`",
                         "en": "the inputs of these results changed since they were measured (the inputs key "
                               "differs): re-run `{fix}`"},
    "stale-result:no-notebook": {"zh": "记录这些结果的 notebook {notebook} 不存在",
                                 "en": "the notebook that recorded these results, {notebook}, does not exist"},
    "stale-result:unreadable": {"zh": "无法计算记录这些结果的 notebook 的输入哈希：{reason}",
                                "en": "cannot hash the inputs of the notebook that recorded these results: {reason}"},
    "results-mismatch": {"zh": "“{figure}”引用了 {file}，但与其中任何一个指标值（按所印精度取整）都不相等",
                         "en": "'{figure}' cites {file} but equals none of its metric values as printed"},
    "results-mismatch:closest": {"zh": "“{figure}”引用了 {file}，但与其中任何一个指标值（按所印精度取整）都不相等；最接近的是 {name} = {value}",
                                 "en": "'{figure}' cites {file} but equals none of its metric values as printed; "
                                       "the closest is {name} = {value}"},
    "results-mismatch:table": {"zh": "{table}中的“{figure}”与 {file} 的任何一个指标值（按所印精度取整）都不相等；最接近的是 {name} = {value}",
                               "en": "'{figure}' in {table} equals none of the metric values of {file} as printed; "
                                     "the closest is {name} = {value}"},
    # Figures, tables and references to them (reading/labels.py, checks/figures.py).
    "ref-undefined": {"zh": "引用的标签 {name} 没有定义{hint}", "en": "the label {name} is not defined{hint}"},
    "ref-undefined:section": {"zh": "引用的 {name} 不在目录中：章节编号见 toc/table-of-contents.md",
                              "en": "{name} is not in the TOC: section numbers are those of toc/table-of-contents.md"},
    "ref-undefined:hint": {"zh": "（是不是 {near}？）", "en": " (did you mean {near}?)"},
    "ref-duplicate": {"zh": "标签 {name} 已在 {first} 定义过：每个标签只能定义一次",
                      "en": "the label {name} is already defined at {first}: a label is defined once"},
    "figure-unreferenced": {"zh": "{text}（{name}）没有被正文引用：在讲到它的句子里写 [](#{name})",
                            "en": "{text} ({name}) is not referred to: write [](#{name}) in the sentence that discusses it"},
    "figure-alt": {"zh": "图片没有替代文字：在 ![…] 的方括号里写出看不到图的读者需要知道的内容",
                   "en": "the image has no alt text: say in ![…] what a reader who cannot see it needs to know"},
    "figure-alt:caption": {"zh": "{text}（{name}）没有图题：写在图片地址后的引号里，![替代文字](地址 \"图题\")",
                           "en": "{text} ({name}) has no caption: put it in quotes after the image's path, "
                                 "![alt](path \"caption\")"},
    "figure-alt:table": {"zh": "{text}（{name}）的表题不在表格旁：把 ': 表题 {{#{name}}}' 写在表格的正上方（空一行）",
                         "en": "the caption of {text} ({name}) is not next to a table: put ': caption {{#{name}}}' right "
                               "above the table (after one blank line)"},
    "stale-figure:changed": {"zh": "{figure} 绘制以来，{inputs} 已改变：运行 `make figures` 重绘",
                             "en": "{inputs} changed since {figure} was drawn: run `make figures` to redraw it"},
    "stale-figure:no-key": {"zh": "{figure} 没有记录绘制它的输入（不是由 make figures 画的）：运行 `make figures` 重绘",
                            "en": "{figure} records no inputs (not drawn by make figures): run `make figures`"},
    "stale-figure:orphan": {"zh": "{plots} 中没有代码画 {figure}：删除它，或在绘图代码里声明它（@figure）",
                            "en": "no code in {plots} draws {figure}: delete it, or declare it in the plotting code (@figure)"},
    "stale-figure:missing": {"zh": "绘图代码定义了 {figure}，但还没有画出来：运行 `make figures`",
                             "en": "the plotting code defines {figure} but it is not drawn: run `make figures`"},
    "results-schema:not-object": {"zh": "不是 JSON 对象", "en": "not a JSON object"},
    "results-schema:json": {"zh": "不是有效的 JSON：{problem}", "en": "not valid JSON: {problem}"},
    "results-schema:schema": {"zh": "不符合 schemas/results.schema.json：{problem}", "en": "{problem}"},
    # The site build.
    "site-link:missing": {"zh": "链接 '{link}' 指向的文件不存在（{path}）", "en": "link '{link}': no such file ({path})"},
    "site-link:outside": {"zh": "链接 '{link}' 指向仓库之外", "en": "link '{link}' leads out of the repository"},
    "site-symlink": {"zh": "符号链接指向仓库之外（{target}）：工具链与网站都不会读取、修改或复制它，请换成真实文件",
                     "en": "symbolic link out of the repository ({target}): neither the toolchain nor the site reads, "
                           "changes or copies it; replace it with a real file"},
    # Source verification (book sources verify): figures against the local source documents.
    "page-mismatch": {"zh": "“{figure}”不在 {source} 第 {page} 页，而在第 {found} 页",
                      "en": "'{figure}' is not on p. {page} of {source} but on p. {found}"},
    "not-found": {"zh": "在 {source} 中找不到“{figure}”{note}；若是从图表读出的，请核对后在该行加 <!-- verified: 说明 -->",
                  "en": "'{figure}' is nowhere in {source}{note}; if it is read off a chart, check it and add "
                        "<!-- verified: how --> on the line"},
    "not-found:no-figure": {"zh": "“{figure}”中没有可在文档里查找的数字；请人工核对后在该行加 <!-- verified: 说明 -->",
                            "en": "'{figure}' has no number to look for in the document; check it by hand and add "
                                  "<!-- verified: how --> on the line"},
    "no-text": {"zh": "{source} 第 {page} 页没有文字层（扫描件或图表），无法核对“{figure}”{note}；请人工核对后在该行加 "
                      "<!-- verified: 说明 -->",
                "en": "p. {page} of {source} has no text layer (a scan or a chart): '{figure}' cannot be checked{note}; "
                      "check it by hand and add <!-- verified: how --> on the line"},
    "no-text:elsewhere": {"zh": "（它出现在第 {found} 页）", "en": " (it is on p. {found})"},
    "no-text:pages": {"zh": "（有 {count} 页没有文字层）", "en": " ({count} pages have no text layer)"},
    "bad-page:no-such-page": {"zh": "{source} 没有第 {page} 页（其页码为 {labels}）",
                              "en": "{source} has no page {page} (its pages are numbered {labels})"},
    "pending-citation:candidates": {"zh": "{source} 的页码待查：“{figure}”见第 {found} 页{fill}",
                                    "en": "page of {source} to be confirmed: '{figure}' is on p. {found}{fill}"},
    "pending-citation:fill-hint": {"zh": "（book sources verify --fill 可填入）",
                                   "en": " (book sources verify --fill writes it)"},
    "pending-citation:nowhere": {"zh": "{source} 的页码待查：文档中找不到“{figure}”{note}",
                                 "en": "page of {source} to be confirmed: '{figure}' is nowhere in the document{note}"},
    "verified-reason": {"zh": "<!-- verified: … --> 需要写明是如何核对的",
                        "en": "<!-- verified: … --> needs a note saying how it was checked"},
    "source-document": {"zh": "{source} 的文档 {path} 无法读取：{reason}",
                        "en": "the document {path} of {source} cannot be read: {reason}"},
    "source-document:missing": {"zh": "文件不存在", "en": "the file does not exist"},
    "source-document:folder": {"zh": "这是文件夹，不是文件", "en": "it is a folder, not a file"},
    "source-document:unreadable": {"zh": "无法读取文件（{detail}）", "en": "the file cannot be read ({detail})"},
    "source-document:not-pdf": {"zh": "不是 PDF（没有 %PDF- 文件头）", "en": "it is not a PDF (no %PDF- header)"},
    "source-document:empty": {"zh": "文件是空的", "en": "the file is empty"},
    "source-document:truncated": {"zh": "文件不完整（结尾没有 %%EOF），请重新下载",
                                  "en": "it is truncated (no %%EOF at its end): download it again"},
    "source-document:encrypted": {"zh": "文件已加密，需要密码才能打开（请另存一份未加密的副本）",
                                  "en": "it is encrypted: it needs a password to open (save an unencrypted copy)"},
    "source-document:damaged": {"zh": "文件已损坏或不是 PDF", "en": "it is damaged or not a PDF"},
    "source-document:security": {"zh": "文件使用了不支持的加密方式", "en": "it uses an unsupported security handler"},
    "source-document:pdfium": {"zh": "PDFium 无法读取它（{detail}）", "en": "PDFium could not read it ({detail})"},
    "source-document:no-pdfium": {"zh": "未安装 pypdfium2（请运行 make）", "en": "pypdfium2 is not installed (run make)"},
    # What book sources verify prints besides findings (and book todo beside a pending citation).
    "sources-verify:summary": {
        "zh": "{total} 个引用：核实 {verified}，页码不符 {mismatch}，未找到 {not_found}，待补页码 {pending}，"
              "无文字层 {no_text}，人工核对 {by_hand}，页码越界 {bad_page}，文档无法读取 {unreadable}，"
              "无本地文档 {no_document}",
        "en": "{total} citation(s): {verified} verified, {mismatch} page mismatch, {not_found} not found, "
              "{pending} pending, {no_text} without text, {by_hand} checked by hand, {bad_page} bad page, "
              "{unreadable} unreadable document, {no_document} without a local document"},
    "sources-verify:no-documents-line": {"zh": "book sources verify：{reason}", "en": "book sources verify: {reason}"},
    "sources-verify:no-documents": {"zh": "本机没有来源文档（sources/<key>.pdf 或登记表中的 file:），跳过核对",
                                    "en": "no source documents here (sources/<key>.pdf or a registry file:): "
                                          "verification skipped"},
    "sources-verify:dry-run-alone": {"zh": "--dry-run 要与 --fill 一起用（book sources verify --fill --dry-run）",
                                     "en": "--dry-run goes with --fill (book sources verify --fill --dry-run)"},
    "sources-verify:filled": {"zh": "已填入 {count} 处页码：", "en": "filled {count} page(s):"},
    "sources-verify:would-fill": {"zh": "将填入 {count} 处页码（--dry-run，未写入）：",
                                  "en": "would fill {count} page(s) (--dry-run, nothing written):"},
    "sources-verify:nothing-to-fill": {"zh": "没有可以自动填入的页码", "en": "no page to fill"},
    "sources-verify:left-alone": {"zh": "未填入 {count} 处：", "en": "left {count} alone:"},
    "sources-verify:why-several": {"zh": "有多个候选页（{pages}）", "en": "several candidate pages ({pages})"},
    "sources-verify:why-none": {"zh": "没有候选页", "en": "no candidate page"},
    "sources-verify:why-apart": {"zh": "同一引用所支持的数字不在同一页",
                                 "en": "the figures this citation supports are not on one page"},
    "sources-verify:why-label": {"zh": "页码 {page} 不是数字", "en": "page label {page} is not a number"},
    "sources-verify:why-unlocated": {"zh": "在该句中找不到这条引用",
                                     "en": "the citation was not found in the claim's sentence"},
    "sources-verify:why-unreadable": {"zh": "文件无法读取", "en": "the file cannot be read"},
    "sources-verify:why-no-pending": {"zh": "引用中没有该来源的待补页码",
                                      "en": "the citation has no pending page of this source"},
    "sources-verify:candidates": {"zh": "（候选页：{pages}）", "en": " (candidate pages: {pages})"},
    # Typography of the prose (book lint); {old} is the text as written, {new} as it should read.
    "typo-space": {"zh": "“{old}”应写作“{new}”：中文与英文、数字之间加一个空格",
                   "en": "write '{new}', not '{old}': a space between Chinese and Latin letters or digits"},
    "typo-space-extra": {"zh": "“{old}”应写作“{new}”：全角标点旁不加空格",
                         "en": "write '{new}', not '{old}': no space next to full-width punctuation"},
    "typo-punct": {"zh": "“{old}”应写作“{new}”：中文句子用全角标点",
                   "en": "write '{new}', not '{old}': full-width punctuation in Chinese sentences"},
    "typo-width": {"zh": "“{old}”应写作“{new}”：英文字母和数字用半角",
                   "en": "write '{new}', not '{old}': half-width letters and digits"},
    "typo-percent": {"zh": "“{old}”应写作“{new}”：数字与百分号之间不加空格",
                     "en": "write '{new}', not '{old}': no space between a number and %"},
    "typo-number": {"zh": "“{old}”应写作“{new}”：数值范围用“～”、年份的起止用“—”，百分号和货币符号不省略（GB/T 15835-2011）",
                    "en": "write '{new}', not '{old}': a range of numbers takes '～', of years '—', and keeps its % or currency sign (GB/T 15835-2011)"},
    "typo-term": {"zh": "术语应写作“{new}”（此处为“{old}”），见术语表 {glossary}",
                  "en": "the term is written '{new}' (here '{old}'), see the glossary {glossary}"},
    "typo-abbr": {"zh": "缩写“{old}”在本文件中第一次出现时要连同术语写作“{new}”，见术语表 {glossary}",
                  "en": "the abbreviation '{old}' is introduced with its term at its first use in a file: '{new}', see the glossary {glossary}"},
    "typo-other": {"zh": "“{old}”应写作“{new}”", "en": "write '{new}', not '{old}'"},
    "typo-ignore-reason": {"zh": "<!-- lint-ignore: … --> 需要写明理由", "en": "<!-- lint-ignore: … --> needs a reason"},
    "glossary-stale": {"zh": "附录A 与术语表 {glossary} 和书稿不一致（它是生成的文件）：运行 book lint --fix 重新生成",
                       "en": "appendix A does not match the glossary {glossary} and the manuscript (it is generated): run book lint --fix to write it again"},
    "glossary-appendix:written": {"zh": "已重新生成 {path}", "en": "wrote {path} again"},
    "lint:fixed": {"zh": "已修正 {path}：{count} 处", "en": "fixed {path}: {count} issue(s)"},
    "lint:preview": {"zh": "book lint：{files} 个文件中有 {count} 处将会修正（--diff：未写入任何文件）",
                     "en": "book lint: {count} issue(s) in {files} file(s) would be fixed (--diff: nothing written)"},
    # The open data items (book todo, and its line in book check).
    "todo:title": {"zh": "未完成的数据项：{count} 个", "en": "Open data items: {count}"},
    "todo:column-group": {"zh": "章节", "en": "chapter"},
    "todo:column-where": {"zh": "位置", "en": "location"},
    "todo:column-kind": {"zh": "类型", "en": "kind"},
    "todo:column-text": {"zh": "内容", "en": "item"},
    "todo:counts": {"zh": "未完成的数据项 {total} 个：{kinds}", "en": "{total} open data item(s): {kinds}"},
    "todo:separator": {"zh": "，", "en": ", "},
    "todo:kinds": {"zh": "待办清单 {checklist}，待补页码 {pending}，TODO(data) {notes}",
                   "en": "checklist {checklist}, pending page {pending}, TODO(data) {notes}"},
    "todo:strict": {"zh": "book todo：STRICT=1 时未完成的数据项（{count} 个）算作错误",
                    "en": "book todo: STRICT=1 and {count} open data item(s)"},
    "todo:check-line": {"zh": "{counts}（make todo 列出全部）", "en": "{counts} (make todo lists them)"},
    "todo:csv-group": {"zh": "章节", "en": "chapter"},
    "todo:csv-path": {"zh": "文件", "en": "file"},
    "todo:csv-line": {"zh": "行", "en": "line"},
    "todo:csv-col": {"zh": "列", "en": "column"},
    "todo:csv-kind": {"zh": "类型", "en": "kind"},
    "todo:csv-text": {"zh": "内容", "en": "item"},
    "todo:note-sentence": {"zh": "{note}：{sentence}", "en": "{note}: {sentence}"},
    "todo-kind:checklist": {"zh": "待办清单", "en": "checklist"},
    "todo-kind:pending-citation": {"zh": "待补页码", "en": "pending page"},
    "todo-kind:todo-note": {"zh": "TODO(data)", "en": "TODO(data)"},
    "todo-kind:draft": {"zh": "草稿", "en": "draft"},
    "todo:draft-section": {"zh": "{number} 节是草稿，发布版不显示", "en": "section {number} is a draft: the release leaves it out"},
    "todo:draft-chapter": {"zh": "第{number}章是草稿，发布版不显示", "en": "chapter {number} is a draft: the release leaves it out"},
    "todo:draft-appendix": {"zh": "附录{number}是草稿，发布版不显示", "en": "appendix {number} is a draft: the release leaves it out"},
    "todo:draft-notebook": {"zh": "这个 notebook 是草稿：正文已写完的部分没有链接它，发布版不显示",
                            "en": "this notebook is a draft: no written part of the prose links it, so the release leaves it out"},
    # Drafts: what the release leaves out.
    "draft-section:promise": {"zh": "{number} 节只有一段不超过 {limit} 字的预告，没有列表、表格、图、代码或实测：写完它，"
                                    "或在这一节里加上 `!!! draft` 标为草稿（发布版不显示草稿）",
                              "en": "section {number} holds only a promise (one paragraph of at most {limit} Chinese "
                                    "characters, no list, table, figure, code or measurement): write it, or mark it "
                                    "with `!!! draft` (the release leaves drafts out)"},
    "draft-section:gap": {"zh": "草稿 {number} 节排在已写完的 {after} 节之前：发布版的编号会出现空缺，写完它或把它移到本章末尾",
                          "en": "draft section {number} comes before the written section {after}: the release would "
                                "have a gap in its numbering; finish it or move it to the end of the chapter"},
    "draft-section:chapter-gap": {"zh": "草稿第{number}章排在已写完的第{after}章之前：发布版的章号会出现空缺",
                                  "en": "draft chapter {number} comes before the written chapter {after}: the "
                                        "release would have a gap in its chapter numbers"},
    "ref-draft:link": {"zh": "链接 '{link}' 指向草稿或只有草稿版才有的页面，发布版不包含它（链接显示为普通文字）",
                       "en": "the link '{link}' leads to a draft or a page only the draft site has, which the "
                             "release leaves out (it shows as plain text)"},
    "ref-draft:section": {"zh": "正文提到草稿（{number} 节），发布版不包含它",
                          "en": "the prose names section {number}, a draft that the release leaves out"},
    "ref-draft:chapter": {"zh": "正文提到草稿（第{number}章），发布版不包含它",
                          "en": "the prose names chapter {number}, a draft that the release leaves out"},
    "claims:tally": {"zh": "  数据声明 {total} 个：已注明来源 {cited} 个，注明无需引用（no-cite）{no_cite} 个，"
                           "待补页码 {pending} 处（涉及 {waiting} 个数据），来源待查（TODO(data)）{notes} 处（涉及 {todo} 个数据）",
                     "en": "  {total} data claim(s): {cited} cited, {no_cite} opted out (no-cite), "
                           "{pending} pending page(s) (covering {waiting} figure(s)), {notes} source(s) to be found "
                           "(TODO(data), covering {todo} figure(s))"},
    # What every command prints besides its findings: the summary line (always last), book check's steps.
    "report:summary": {"zh": "{what}：{verdict} — {errors} 个错误，{warnings} 个警告",
                       "en": "{what}: {verdict} — {errors} error(s), {warnings} warning(s)"},
    "report:ok": {"zh": "通过", "en": "ok"},
    "report:failed": {"zh": "未通过", "en": "failed"},
    "check:step-toc": {"zh": "目录（toc）", "en": "toc"},
    "check:step-claims": {"zh": "数据声明与引用（claims）", "en": "claims"},
    "check:step-verify": {"zh": "来源核对（verify）", "en": "verify"},
    "check:step-lint": {"zh": "中文排版（lint）", "en": "lint"},
    "check:step-todo": {"zh": "待办汇总（todo）", "en": "todo"},
    "check:step-print": {"zh": "印刷版版面（print）", "en": "print"},
    "check:step-notebooks": {"zh": "notebook 运行（notebooks）", "en": "notebooks"},
    "check:step-site": {"zh": "严格构建网站（site）", "en": "site"},
    "check:step-figures": {"zh": "图表与交叉引用（figures）", "en": "figures"},
    "figures:drawn": {"zh": "重绘 {path}（{why}）", "en": "redrew {path} ({why})"},
    "figures:why-missing": {"zh": "还没有画", "en": "not drawn yet"},
    "figures:why-forced": {"zh": "--force", "en": "--force"},
    "figures:summary": {"zh": "book figures：重绘 {drawn} 幅，{fresh} 幅是最新的（{seconds} 秒）",
                        "en": "book figures: {drawn} redrawn, {fresh} up to date ({seconds} s)"},
    "figures:failed": {"zh": "无法绘制 {figure}：{problem}", "en": "cannot draw {figure}: {problem}"},
    "figures:unknown": {"zh": "绘图代码中没有名为 {name} 的图（有：{known}）", "en": "no figure named {name} (known: {known})"},
    "check:skipped": {"zh": "── {step}：已跳过（--skip）", "en": "── {step}: skipped (--skip)"},
    "check:verdict": {"zh": "{step}：{verdict}（{seconds} 秒）{note}", "en": "{step}: {verdict} ({seconds} s){note}"},
    "check:replayed": {"zh": " — 输入未变，沿用上次运行的结果", "en": " — inputs unchanged, result of the last run"},
    "check:passed": {"zh": "book check：全部检查通过", "en": "book check: all checks passed"},
    "check:failed": {"zh": "book check：未通过 — {steps}", "en": "book check: failed — {steps}"},
    "check:list-separator": {"zh": "、", "en": ", "},
    "check:step-results": {"zh": "实测结果（results）", "en": "results"},
    "check:warnings": {"zh": "warning {code}：{count} 条警告（-v 逐条列出）",
                       "en": "warning {code}: {count} warning(s) (-v lists each)"},
    "check:warnings:pending-citation": {"zh": "warning {code}：{count} 处待补页码（make todo 列出全部）",
                                        "en": "warning {code}: {count} pending page(s) (make todo lists them)"},
    "check:warnings:stale-result": {"zh": "warning {code}：{count} 个结果文件需要在 GPU 上重新测量（-v 逐条列出）",
                                    "en": "warning {code}: {count} results file(s) to measure again on a GPU (-v lists each)"},
    "check:errors-again": {"zh": "book check：{count} 个错误：", "en": "book check: {count} error(s):"},
    "check:errors-more": {"zh": "……另有 {count} 个错误，见上方", "en": "… and {count} more error(s), see above"},
    # The tool could not run (exit status 2).
    "cli:error": {"zh": "book：无法运行：{problem}", "en": "book: error: {problem}"},
    "cli:usage": {"zh": "{message}（{prog} --help 显示用法）", "en": "{message} (see {prog} --help)"},
    "cli:interrupted": {"zh": "book：已中断", "en": "book: interrupted"},
    "cli:no-repo": {"zh": "这里不是书稿仓库：{here} 及其上级文件夹中都没有 {toc}",
                    "en": "no book repository here: no {toc} in {here} or any folder above it"},
    "cli:no-such-path": {"zh": "{path}：没有这个文件或文件夹", "en": "{path}: no such file or folder"},
    "cli:unknown-action": {"zh": "未知的操作 {action}", "en": "unknown action {action}"},
    "schema:unusable": {"zh": "{path}：无法使用的 schema：{problem}", "en": "{path}: unusable schema: {problem}"},
    "schema:invalid": {"zh": "{path}：schema 本身有误：{problem}", "en": "{path}: invalid schema: {problem}"},
    "schema:not-one-of": {"zh": "{where}：{value}不是以下取值之一：{allowed}", "en": "{where}: {value} is not one of: {allowed}"},
    "schema:empty": {"zh": "{where}：不能为空", "en": "{where}: must not be empty"},
    "schema:value": {"zh": "值", "en": "value"},
    "yaml:duplicate-key": {"zh": "键“{key}”重复（首次出现在第 {first} 行）", "en": "duplicate key '{key}' (first at line {first})"},
    "yaml:bad-character": {"zh": "YAML 中不允许出现字符 U+{code}", "en": "character U+{code} is not allowed in YAML"},
    # The glossary of book lint (manuscript/glossary.yaml).
    "glossary:yaml": {"zh": "{where}: 不是有效的 YAML：{problem}", "en": "{where}: not valid YAML: {problem}"},
    "glossary:unreadable": {"zh": "{where}: 无法读取术语表：{reason}", "en": "{where}: cannot read the glossary: {reason}"},
    "glossary:not-mapping": {"zh": "术语表应是一个映射（terms: …、keep: …）",
                             "en": "the glossary must be a mapping (terms: …, keep: …)"},
    "glossary:unknown-keys": {"zh": "未知的键 {keys}（只有 terms 和 keep）", "en": "unknown key(s) {keys} (only terms and keep)"},
    "glossary:terms": {"zh": "terms 应是“规范写法: [其他写法, …]”的映射",
                       "en": "terms must map each canonical spelling to a list of variants"},
    "glossary:term": {"zh": "术语“{term}”应写成“{term}: [其他写法, …]”或“{term}: {{en: …, abbr: …, aliases: …}}”",
                      "en": "write the term '{term}' as '{term}: [variant, …]' or '{term}: {{en: …, abbr: …, aliases: …}}'"},
    "glossary:term-field": {"zh": "术语“{term}”的 {key} 应是一个非空的字符串", "en": "the {key} of the term '{term}' must be a non-empty string"},
    "glossary:keep": {"zh": "keep 应是正则表达式的列表", "en": "keep must be a list of regular expressions"},
    "glossary:keep-regex": {"zh": "keep 中的“{pattern}”不是有效的正则表达式：{problem}",
                            "en": "'{pattern}' in keep is not a valid regular expression: {problem}"},
    # book notebooks: usage, progress, the line after the run.
    "claims:jobs": {"zh": "-j/--jobs 需要一个正整数（同时检查的进程数），而不是 {jobs}",
                    "en": "-j/--jobs needs a positive number of processes, not {jobs}"},
    "notebooks:jobs": {"zh": "-j/--jobs 需要一个正整数，而不是 {jobs}", "en": "-j/--jobs needs a positive number of workers, not {jobs}"},
    "notebooks:device": {"zh": "BOOK_DEVICE 只能是 cpu 或 cuda，而不是 {device}", "en": "BOOK_DEVICE must be cpu or cuda, not {device}"},
    "notebooks:scale": {"zh": "BOOK_SCALE 只能是 {allowed} 之一，而不是 {scale}", "en": "BOOK_SCALE must be one of {allowed}, not {scale}"},
    "notebooks:cell-timeout": {"zh": "BOOK_CELL_TIMEOUT 必须是整数秒数，而不是 {value}",
                               "en": "BOOK_CELL_TIMEOUT must be a whole number of seconds, not {value}"},
    "notebooks:none": {"zh": "{folder}/ch*/ 下没有 notebook", "en": "no notebooks under {folder}/ch*/"},
    "notebooks:missing": {"zh": "{path}：没有这个 notebook", "en": "{path}: no such notebook"},
    "notebooks:header": {"zh": "book notebooks：{count} 个 notebook，BOOK_SCALE={scale}，BOOK_DEVICE={device}，单元时限 {timeout} 秒{force}",
                         "en": "book notebooks: {count} notebook(s), BOOK_SCALE={scale}, BOOK_DEVICE={device}, "
                               "cell timeout {timeout} s{force}"},
    "notebooks:done": {"zh": "运行 {executed} 个{workers}，沿用已存的通过结果 {cached} 个，用时 {seconds} 秒",
                       "en": "{executed} run{workers}, {cached} cached, {seconds} s"},
    "notebooks:workers": {"zh": "（{jobs} 个并行进程，每个 {threads} 个线程）", "en": " ({jobs} worker(s), {threads} thread(s) each)"},
    "notebooks:executing": {"zh": "正在执行 {path}（BOOK_SCALE={scale}）…", "en": "executing {path} (BOOK_SCALE={scale}) …"},
    "notebook-invalid:version": {"zh": "不是有效的 notebook：nbformat：应为第 4 版格式（nbformat: 4，nbformat_minor 为数字），而不是 {version}",
                                 "en": "not a valid notebook: nbformat: a notebook in format 4 (nbformat: 4, "
                                       "nbformat_minor: a number), not {version}"},
    "progress:cached": {"zh": "沿用", "en": "cached"},
    "progress:waiting": {"zh": "等待", "en": "waiting"},
    "progress:running": {"zh": "运行", "en": "running"},
    "progress:passed": {"zh": "通过", "en": "passed"},
    "progress:failed": {"zh": "失败", "en": "failed"},
    "progress:training": {"zh": "训练", "en": "training"},
    "progress:ready": {"zh": "就绪", "en": "ready"},
    "progress:note": {"zh": "注意", "en": "note"},
    "progress:stored-run": {"zh": "（已存的通过结果，当时用时 {seconds} 秒）", "en": "(stored run: {seconds} s)"},
    "progress:another-run": {"zh": "（另一个进程正在运行它）", "en": "(another run is executing it)"},
    "progress:prebuild": {"zh": "先训练各 notebook 共用的模型 {names}（只训练一次）…",
                          "en": "shared models {names} once, before the notebooks …"},
    "progress:prebuilt": {"zh": "共用模型已训练好（{seconds} 秒）", "en": "shared models ({seconds} s)"},
    "progress:not-prebuilt": {"zh": "共用模型未能预先训练（{detail}）；各 notebook 自行训练",
                              "en": "shared models not prebuilt ({detail}); each notebook trains its own"},
    "progress:seconds": {"zh": "{seconds} 秒", "en": "{seconds} s"},
    "progress:why": {"zh": "（{why}）", "en": " ({why})"},
    "progress:separator": {"zh": "；", "en": "; "},
    "progress:timed-out": {"zh": "超时", "en": "timed out"},
    "progress:live": {"zh": "运行中：{items}", "en": "running: {items}"},
    "why:forced": {"zh": "--force", "en": "forced"},
    "why:no-stored-run": {"zh": "没有已存的运行", "en": "no stored run"},
    "why:no-store": {"zh": "不使用结果存储", "en": "no store"},
    "why:scale": {"zh": "规模 {old} -> {new}", "en": "scale {old} -> {new}"},
    "why:device": {"zh": "设备 {old} -> {new}", "en": "device {old} -> {new}"},
    "why:changed": {"zh": "{path} 已修改", "en": "{path} changed"},
    "why:added": {"zh": "{path} 新增", "en": "{path} added"},
    "why:removed": {"zh": "{path} 已删除", "en": "{path} removed"},
    "why:reference": {"zh": "notebook 中保存的参考输出已改变", "en": "reference outputs changed"},
    "why:no-match": {"zh": "没有以这些输入运行过的记录", "en": "no stored run with these inputs"},
    "why:cell": {"zh": "第 {cell} 个代码单元：{reason}", "en": "cell {cell}: {reason}"},
    # book site.
    "site:refuse": {"zh": "拒绝把网站写到 {target}：{reason}", "en": "refusing to write the site to {target}: {reason}"},
    "site:refuse-repo": {"zh": "{target} 是仓库本身或包含仓库", "en": "{target} is the repository or holds it"},
    "site:refuse-sources": {"zh": "{path} 位于存放书稿源文件的 {folder}/ 中",
                            "en": "{path} lies inside {folder}/, which holds the book's sources"},
    "site:refuse-file": {"zh": "{target} 是一个文件", "en": "{target} is a file"},
    "site:refuse-foreign": {"zh": "{target} 中有不是本命令构建的文件（其中没有 {marker}）",
                            "en": "{target} holds files this command did not build (no {marker} in it)"},
    "site:failed": {"zh": "网站没有构建：{folder}/ 保持原样", "en": "the site was not built: {folder}/ was left as it was"},
    "site:building": {"zh": "正在构建{kind}网站（mkdocs build --strict）…", "en": "building the {kind} site (mkdocs build --strict) …"},
    "site:kind-draft": {"zh": "草稿版", "en": "draft"},
    "site:kind-release": {"zh": "正式版", "en": "release"},
    "site:strict-ok": {"zh": "book site：通过 — 严格构建成功", "en": "book site: ok — strict build passed"},
    "site:built": {"zh": "book site：通过 — {pages} 个页面已写入 {path}/（{kind}）", "en": "book site: ok — {pages} pages in {path}/ ({kind})"},
    "site:build-failed": {"zh": "构建失败", "en": "failed"},
    "site:bool-option": {"zh": "应为 true 或 false，而不是 {value}", "en": "expected true or false, not {value}"},
    # The cache (make clean-cache).
    "store:usage": {"zh": "用法：python -m book.execution.store clean   （清空缓存根目录：$BOOK_CACHE_DIR 或 .cache/）",
                    "en": "usage: python -m book.execution.store clean   (empties the cache root: $BOOK_CACHE_DIR or .cache/)"},
    "store:error": {"zh": "错误：{problem}", "en": "error: {problem}"},
    "store:refuse": {"zh": "拒绝清空 {root}：它包含仓库或主目录", "en": "refusing to empty {root}: it holds the repository or the home folder"},
    "store:emptied": {"zh": "已清空 {root}（{count} 项）", "en": "emptied {root} ({count} entries)"},
    # book todo's Markdown list (also the site's draft page).
    "todo:markdown-total": {"zh": "共 {count} 个未完成的数据项。", "en": "{count} open data item(s)."},
    "todo:markdown-item": {"zh": "- [ ] {kind}：{text}（`{where}`）", "en": "- [ ] {kind}: {text} (`{where}`)"},
    "todo:toc-errors": {"zh": "目录有错误（先修正它们；待办按目录分组，可能不准确）：",
                        "en": "the table of contents has errors (fix them first; the grouping by the TOC may be off):"},
    # Print and e-book (make pdf, make epub, make manuscript-docx).
    "print:config": {"zh": "{path} 无法使用：{problem}", "en": "{path} cannot be used: {problem}"},
    "print:font-missing": {"zh": "缺少字体 {families}：请安装 {packages}（例如 sudo apt-get install {packages}），"
                                 "或把字体文件放进 print.yaml 的 fonts: 目录或 $BOOK_FONT_DIR",
                           "en": "missing font {families}: install {packages} (e.g. sudo apt-get install {packages}), "
                                 "or put the font files in print.yaml's fonts: folder or $BOOK_FONT_DIR"},
    "print:no-typst": {"zh": "未安装 typst（Python 包）：请运行 make 安装锁定的依赖",
                       "en": "typst (the Python package) is not installed: run make to install the pinned dependencies"},
    "print:no-pandoc": {"zh": "未安装 pypandoc-binary：请运行 make 安装锁定的依赖",
                        "en": "pypandoc-binary is not installed: run make to install the pinned dependencies"},
    "print:typst-error": {"zh": "Typst 排版失败：{problem}", "en": "Typst failed: {problem}"},
    "print:typst-warning": {"zh": "Typst 警告：{problem}", "en": "Typst warning: {problem}"},
    "print:pandoc-error": {"zh": "pandoc 转换失败：{problem}", "en": "pandoc failed: {problem}"},
    "print:wrote": {"zh": "已生成 {path}（{pages} 页，{seconds:.1f} 秒）", "en": "wrote {path} ({pages} pages, {seconds:.1f} s)"},
    "print:wrote-file": {"zh": "已生成 {path}（{seconds:.1f} 秒）", "en": "wrote {path} ({seconds:.1f} s)"},
    "print:no-java": {"zh": "没有 Java 运行环境，无法运行 epubcheck：请安装 default-jre-headless（sudo apt-get install default-jre-headless）",
                      "en": "no Java runtime to run epubcheck: install default-jre-headless (sudo apt-get install default-jre-headless)"},
    "print:epubcheck": {"zh": "epubcheck 报告 {errors} 个错误：", "en": "epubcheck reports {errors} error(s):"},
    "print-overflow": {"zh": "这行代码宽 {width} 个字符，超出印刷版代码框的 {limit} 个字符（9 pt 等宽）：请折行",
                       "en": "this code line is {width} characters wide, over the {limit} that fit the printed code box "
                             "(9 pt monospace): wrap it"},
    "print:page-stale": {"zh": "{pdf} 早于书稿（{path} 此后已修改）：重新运行 DRAFT=1 make pdf",
                         "en": "{pdf} is older than the manuscript ({path} changed since): run DRAFT=1 make pdf again"},
    "print:page-missing": {"zh": "没有 {pdf}：运行 DRAFT=1 make pdf", "en": "no {pdf}: run DRAFT=1 make pdf"},
    "print:page-not-printed": {"zh": "这一行不在 {pdf} 中", "en": "this line is not in {pdf}"},
    # Names used inside other messages.
    "word:part": {"zh": "部分", "en": "part"},
    "word:chapter": {"zh": "章", "en": "chapter"},
    "word:appendix": {"zh": "附录", "en": "appendix"},
    "word:section": {"zh": "节", "en": "section"},
    "word:subsection": {"zh": "小节", "en": "subsection"},
}


# What the libraries underneath say (PyYAML, jsonschema, the JSON decoder, the operating system), told in the author's
# terms; the library's own words stay with the finding as its detail, shown under -v (BOOK_VERBOSE=1).
MESSAGES.update({
    # Reading any file: one code per fault kind, whichever command read it.
    "file-encoding": {"zh": "不是有效的 UTF-8（字节 0x{byte}）；请把文件存为 UTF-8（例如在编辑器中“另存为 UTF-8”，不要用 GBK）",
                      "en": "not valid UTF-8 (byte 0x{byte}); save the file as UTF-8 (not GBK)"},
    "file-unreadable": {"zh": "无法读取文件：{reason}", "en": "cannot read file: {reason}"},
    "file-unreadable:dangling-link": {"zh": "符号链接指向的文件不存在（{target}）",
                                      "en": "symbolic link to a file that does not exist ({target})"},
    "os-error:ELOOP": {"zh": "符号链接循环（链接最终指向它自己），请换成真实的文件",
                       "en": "symbolic link loop (the link leads back to itself); replace it with a real file"},
    "os-error:EACCES": {"zh": "没有读取权限", "en": "permission denied"},
    "os-error:EPERM": {"zh": "操作不被允许", "en": "operation not permitted"},
    "os-error:ENOENT": {"zh": "文件不存在", "en": "no such file"},
    "os-error:EISDIR": {"zh": "这是文件夹，不是文件", "en": "is a folder, not a file"},
    "os-error:ENOTDIR": {"zh": "路径中的某一级不是文件夹", "en": "a part of the path is not a folder"},
    "os-error:EIO": {"zh": "磁盘读写错误", "en": "input/output error"},
    "os-error:ENAMETOOLONG": {"zh": "文件名太长", "en": "file name too long"},
    "os-error:other": {"zh": "系统错误 {name}", "en": "system error {name}"},
    "detail": {"zh": "（原文：{text}）", "en": " (original: {text})"},
    # YAML (sources.yaml, the TOC's front matter, the glossary): what PyYAML found, as the author would fix it.
    "yaml:unclosed-bracket": {"zh": "方括号“[”没有闭合：在列表末尾加上“]”",
                              "en": "the bracket '[' is not closed: end the list with ']'"},
    "yaml:unclosed-brace": {"zh": "花括号“{{”没有闭合：在末尾加上“}}”", "en": "the brace '{{' is not closed: end it with '}}'"},
    "yaml:unclosed-quote": {"zh": "引号没有闭合：在值的末尾补上同样的引号", "en": "the quote is not closed: end the value with the same quote"},
    "yaml:colon-in-value": {"zh": "值里有“: ”：请给整个值加引号，例如 title: \"A: B\"",
                            "en": "the value holds ': ': put the whole value in quotes, e.g. title: \"A: B\""},
    "yaml:missing-colon": {"zh": "缺少冒号：写成“键: 值”（冒号后有一个空格）",
                           "en": "a colon is missing: write 'key: value' (a space after the colon)"},
    "yaml:indentation": {"zh": "缩进不对：这一行没有与同一层的键对齐（同一层的键左边的空格数要相同）",
                         "en": "wrong indentation: this line is not aligned with the keys of its level"},
    "yaml:list-indentation": {"zh": "列表项“- ”没有与同一列表的其他项对齐", "en": "the list item '- ' is not aligned with the other items of its list"},
    "yaml:list-in-mapping": {"zh": "这里出现了列表项“- ”，但上面是“键: 值”：检查缩进，或在列表前加上键",
                             "en": "a list item '- ' where 'key: value' lines are: check the indentation, or give the list a key"},
    "yaml:tab": {"zh": "YAML 的缩进不能用 Tab：请改用空格", "en": "YAML cannot be indented with tabs: use spaces"},
    "yaml:reserved-start": {"zh": "值不能以“{char}”开头：请给整个值加引号", "en": "a value cannot start with '{char}': put it in quotes"},
    "yaml:alias": {"zh": "以“*”开头的值会被读成 YAML 的别名：请给整个值加引号", "en": "a value starting with '*' reads as a YAML alias: put it in quotes"},
    "yaml:escape": {"zh": "双引号里的“\\{char}”不是有效的转义：反斜杠请写成 \\\\，或改用单引号",
                    "en": "'\\{char}' is not a valid escape in double quotes: write the backslash as \\\\, or use single quotes"},
    "yaml:tag": {"zh": "“{tag}”是 YAML 的标签，这里不支持：若是文字，请给整个值加引号",
                 "en": "'{tag}' is a YAML tag, not supported here: if it is text, put it in quotes"},
    "yaml:documents": {"zh": "文件里只能有一份内容：删除这一行的“---”或它后面的内容",
                       "en": "the file may hold one document only: remove this '---' or what follows it"},
    "yaml:syntax": {"zh": "这一行的 YAML 写法有误：检查缩进、冒号和引号", "en": "this line is not valid YAML: check the indentation, colons and quotes"},
    # JSON (notebooks, results files): what the decoder found.
    "json:unterminated-string": {"zh": "字符串没有结束：缺少右引号（\"）", "en": "the string is not closed: a closing quote (\") is missing"},
    "json:missing-comma": {"zh": "缺少逗号：两项之间要用“,”分开", "en": "a comma is missing between two items"},
    "json:missing-colon": {"zh": "缺少冒号：键后面要写“:”", "en": "a colon is missing after the key"},
    "json:key-quotes": {"zh": "这里应是用双引号括起来的键（也许上一项后面多了一个逗号）",
                        "en": "a key in double quotes belongs here (perhaps a comma too many after the item before)"},
    "json:missing-value": {"zh": "这里缺少一个值（也许多了一个逗号，或文字没有加引号）",
                           "en": "a value is missing here (perhaps a comma too many, or text without quotes)"},
    "json:truncated": {"zh": "文件不完整：JSON 在这里提前结束了（文件被截断？）", "en": "the file ends too early (truncated?)"},
    "json:control-character": {"zh": "字符串里有控制字符（例如直接换行）：换行请写成 \\n",
                               "en": "a control character inside a string (a raw line break?): write it as \\n"},
    "json:escape": {"zh": "无效的转义：字符串里的反斜杠请写成 \\\\", "en": "invalid escape: write a backslash in a string as \\\\"},
    "json:extra-data": {"zh": "JSON 已经结束，后面还有多余的内容", "en": "extra content after the end of the JSON"},
    "json:syntax": {"zh": "JSON 写法有误", "en": "not valid JSON"},
    # JSON Schema (the registry, the TOC model, results files): what the validator found, said per keyword.
    "schema:where-root": {"zh": "整个文件", "en": "the file"},
    "schema:type": {"zh": "{where}：应为{expected}，而不是{value}", "en": "{where}: {expected} expected, not {value}"},
    "schema:type-integer": {"zh": "整数（例如 2024）", "en": "a whole number (e.g. 2024)"},
    "schema:type-number": {"zh": "数字", "en": "a number"},
    "schema:type-string": {"zh": "文字", "en": "text"},
    "schema:type-boolean": {"zh": " true 或 false", "en": "true or false"},
    "schema:type-array": {"zh": "列表（例如 [甲, 乙]）", "en": "a list (e.g. [a, b])"},
    "schema:type-object": {"zh": "“键: 值”的映射", "en": "a mapping of 'key: value'"},
    "schema:type-null": {"zh": "空值", "en": "null"},
    "schema:type-or": {"zh": "或", "en": " or "},
    "schema:required": {"zh": "{where}：缺少必填的键 {key}", "en": "{where}: the required key {key} is missing"},
    "schema:unknown-key": {"zh": "{where}：未知的键“{key}”{hint}", "en": "{where}: unknown key '{key}'{hint}"},
    "schema:did-you-mean": {"zh": "，是不是 {name}？", "en": ": did you mean {name}?"},
    "schema:allowed-keys": {"zh": "（可用的键：{keys}）", "en": " (keys: {keys})"},
    "schema:key-pattern": {"zh": "键“{key}”只能用小写字母、数字和连字符，例如“{example}”",
                           "en": "the key '{key}' may hold lower-case letters, digits and hyphens only, e.g. '{example}'"},
    "schema:url": {"zh": "{where}：网址应以 http:// 或 https:// 开头，而不是{value}",
                   "en": "{where}: a web address starts with http:// or https://, not {value}"},
    "schema:pattern": {"zh": "{where}：{value}的写法不符合要求（正则表达式 {pattern}）",
                       "en": "{where}: {value} does not match {pattern}"},
    "schema:minimum": {"zh": "{where}：{value}小于允许的最小值 {limit}", "en": "{where}: {value} is below the minimum {limit}"},
    "schema:maximum": {"zh": "{where}：{value}大于允许的最大值 {limit}", "en": "{where}: {value} is above the maximum {limit}"},
    "schema:unique": {"zh": "{where}：列表中有重复的项{item}", "en": "{where}: the list holds {item} twice"},
    "schema:other": {"zh": "{where}：不符合 schema 的“{keyword}”规则（值：{value}）",
                     "en": "{where}: breaks the schema's '{keyword}' rule (value: {value})"},
    # Names close to a mistyped one.
    "unknown-source:did-you-mean": {"zh": "“{key}”不是已登记的来源（manuscript/sources.yaml）：是不是 {near}？",
                                    "en": "'{key}' is not a registered source (manuscript/sources.yaml): did you mean {near}?"},
    "unknown-source:name-did-you-mean": {"zh": "“{name}”不是已登记的来源或别名（manuscript/sources.yaml）：是不是“{near}”？",
                                         "en": "'{name}' is not a registered source or alias (manuscript/sources.yaml): did you mean '{near}'?"},
    "glossary:regex-at": {"zh": "第 {pos} 个字符处有误（括号或转义没有配对？）", "en": "wrong at character {pos} (an unpaired bracket or escape?)"},
    # What MkDocs reports (its English sentence is the detail, under -v).
    "site-link:unresolved": {"zh": "链接 '{link}' 在网站上找不到目标（文件或锚点）", "en": "link '{link}': its target (a file or an anchor) is not in the site"},
    "site-build:config": {"zh": "mkdocs.yml 中的设置 {key} 有误（book site -v 显示 MkDocs 的原文）",
                          "en": "the setting {key} in mkdocs.yml is wrong (book site -v shows MkDocs' words)"},
    "site-build:mkdocs": {"zh": "网站构建失败（book site -v 显示 MkDocs 的原文）", "en": "the site build failed (book site -v shows MkDocs' words)"},
    # A link to a heading that its page does not have (the site's anchor is the heading's slug).
    "site-link:anchor": {"zh": "链接 '{link}' 的锚点 #{anchor} 在 {page} 中不存在{hint}",
                         "en": "link '{link}': {page} has no anchor #{anchor}{hint}"},
    "site-link:anchor-near": {"zh": "：是不是 #{near}（标题“{heading}”）？", "en": ": did you mean #{near} (heading '{heading}')?"},
    # book --help: each command and option, in the author's language.
    "help:book": {"zh": "《LLM推理优化实战》的工具链：检查目录、数据来源、代码示例并发布网站。",
                  "en": "The toolchain of the book: checks the TOC, the sources of its figures, the code, and builds the site."},
    "help:verbose": {"zh": "在说明旁显示第三方库（YAML、JSON Schema、JSON）的原文", "en": "show what the libraries underneath (YAML, JSON Schema, JSON) said, beside each message"},
    "help:toc": {"zh": "检查目录：解析、JSON Schema、编号、链接的章节文件与标题漂移",
                 "en": "check the TOC: parsing, JSON Schema, numbering, linked chapter files, heading drift"},
    "help:claims": {"zh": "检查每个数据声明是否在同一句中标注了带页码的来源",
                    "en": "check that every data claim cites a source with a page in the same sentence"},
    "help:claims-jobs": {"zh": "同时检查文件的进程数（默认每个 CPU 核一个；1：只用本进程）；--format json 只用本进程",
                         "en": "processes checking the files at once (default: one per CPU core; 1: this one only); --format json uses this one only"},
    "help:lint": {"zh": "检查中文排版：中英文之间的空格、全角标点、百分号、术语写法（manuscript/glossary.yaml）",
                  "en": "check the typography: spaces between Chinese and Latin, full-width punctuation, percentages, terms (manuscript/glossary.yaml)"},
    "help:lint-fix": {"zh": "把修正写回文件（原子替换）", "en": "write the corrections into the files (atomically)"},
    "help:lint-diff": {"zh": "与 --fix 一起用：只显示将要做的修改（unified diff），不写文件",
                       "en": "with --fix: show the corrections as a unified diff, write nothing"},
    "help:todo": {"zh": "列出未完成的数据项（待办清单、待补页码、TODO(data)）；--format markdown|json|csv 供编辑器与表格使用",
                  "en": "list the open data items (checklists, pending pages, TODO(data)); --format markdown|json|csv for editors and spreadsheets"},
    "help:notebooks": {"zh": "用 pytest --nbval 运行每个章节的 notebook", "en": "run each chapter's notebooks under pytest --nbval"},
    "help:notebooks-scale": {"zh": "BOOK_SCALE（默认取环境变量，否则 ci）", "en": "BOOK_SCALE (default: the environment's, else ci)"},
    "help:notebooks-jobs": {"zh": "同时运行的 notebook 数（默认每个 CPU 核一个；每个分得相应的线程数）",
                            "en": "notebooks run at once (default: one per CPU core, each with its share of threads)"},
    "help:notebooks-force": {"zh": "全部重新运行，不使用已存的通过结果（.cache/notebooks）",
                             "en": "run them all again, ignoring the stored passing runs (.cache/notebooks)"},
    "help:notebooks-update": {"zh": "执行 notebook 并把输出写回文件（原子替换）；不做比较",
                              "en": "execute the notebooks and store their outputs in the files (atomically); no comparison"},
    "help:notebooks-epilog": {"zh": "-- 之后的参数原样传给 pytest，例如：book notebooks -- -x",
                              "en": "arguments after -- go to pytest as they are, e.g. book notebooks -- -x"},
    "help:site": {"zh": "构建网站到 site/（原子替换：构建失败时保留旧的 site/）",
                  "en": "build the site into site/ (atomically: a failed build keeps the old site/)"},
    "help:site-draft": {"zh": "草稿版：显示待办页与待补来源标记（亦可 DRAFT=1）",
                        "en": "the draft: shows the TODO page and pending-source marks (or DRAFT=1)"},
    "help:site-out": {"zh": "输出目录（默认 site/；只会替换本命令构建的目录）",
                      "en": "output folder (default site/; only a folder this command built is replaced)"},
    "help:sources": {"zh": "来源文档：核对引用的数字是否在所引页码上", "en": "source documents: check cited figures against their pages"},
    "help:verify": {"zh": "用本机的来源文档（sources/<key>.pdf 或登记表中的 file:）核对每个引用的数字与页码",
                    "en": "check each cited figure and page against the local documents (sources/<key>.pdf or the registry's file:)"},
    "help:verify-fill": {"zh": "待补页码（p. ?）的数字只出现在一页时，把该页码写入书稿（原子写入，并列出改动）",
                         "en": "where a pending page's (p. ?) figure is on one page only, write that page into the manuscript (atomically, listing each change)"},
    "help:verify-dry-run": {"zh": "与 --fill 同用：只打印差异，不写文件", "en": "with --fill: print the changes, write nothing"},
    "help:check": {"zh": "合并前的全部检查：目录、数据声明、来源核对（本机有来源文档时）、中文排版、待办汇总、notebook、"
                         "实测结果、图表与交叉引用、印刷版版面、严格构建网站",
                   "en": "everything before a merge: TOC, claims, verification (with local documents), typography, TODO "
                         "summary, notebooks, measured results, figures and references, print layout, strict site build"},
    "help:figures": {"zh": "重画输入（结果文件、绘图代码、字体、matplotlib 版本）已改变的图（manuscript/figures/）",
                     "en": "redraw the figures (manuscript/figures/) whose inputs changed (results, plotting code, font, "
                           "matplotlib)"},
    "help:figures-names": {"zh": "只重画这些图（例如 ch04-step）", "en": "only these figures (e.g. ch04-step)"},
    "help:figures-force": {"zh": "全部重画，不论输入是否改变", "en": "redraw every figure, changed or not"},
    "help:check-verbose": {"zh": "逐条列出每个警告（默认按代码汇总），并在说明旁显示第三方库的原文",
                           "en": "list each warning (by default they are summed up per code), and what the libraries underneath said"},
    "help:check-no-cache": {"zh": "每一步都重新运行（默认：输入未变的步骤直接给出上次的结果）",
                            "en": "run every step again (default: a step whose inputs did not change gives its last result)"},
    "help:check-jobs": {"zh": "同时运行的 notebook 数（默认每核一个）", "en": "notebooks run at once (default: one per core)"},
    # The language setting itself.
    "cli:unknown-lang": {"zh": "book：BOOK_LANG={value} 不是支持的语言（zh 或 en），使用中文",
                         "en": "book: BOOK_LANG={value} is not a supported language (zh or en); using Chinese"},
})


# argparse's own usage texts (bad usage: exit 2), in the author's language. Keyed by argparse's English template.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可以是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同用",
    "show this help message and exit": "显示帮助并退出",
    "positional arguments": "位置参数",
    "options": "选项",
}


def argparse_text(template: str) -> str:
    return ARGPARSE_ZH.get(template, template) if lang() == "zh" else template


def lang() -> str:
    """`en` when BOOK_LANG asks for English, else `zh`."""
    return "en" if os.environ.get("BOOK_LANG", "").lower().startswith("en") else "zh"


class Said(str):
    """A message as said in the reader's language, which remembers what it said (its id and parameters), so that a
    stored message can be said again in another language (`data`, `from_data`)."""
    __slots__ = ("message_id", "params")

    def __new__(cls, text: str, message_id: str, params: dict):
        said = super().__new__(cls, text)
        said.message_id, said.params = message_id, params
        return said

    def __reduce__(self):  # copied and pickled whole (dataclasses.asdict deep-copies its fields)
        return Said, (str(self), self.message_id, self.params)


def say(message_id: str, **params) -> Said:
    """The message in the reader's language, its parameters filled in."""
    return Said(MESSAGES[message_id][lang()].format(**params), message_id, params)


def data(value):
    """A message or a parameter as JSON data: a Said becomes {"say": id, "params": …}, nested messages too."""
    if isinstance(value, Said):
        return {"say": value.message_id, "params": {k: data(v) for k, v in value.params.items()}}
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)


def from_data(value):
    """The inverse of `data`, said in the current language; a message the catalogue no longer has stays None."""
    if isinstance(value, dict):
        if value.get("say") not in MESSAGES or not isinstance(value.get("params"), dict):
            return None
        params = {k: from_data(v) for k, v in value["params"].items()}
        try:
            return say(value["say"], **params)
        except (KeyError, IndexError, ValueError):
            return None
    return value


def said_finding(path: str, line: int, col: int, severity: str, code: str, message: str) -> Finding:
    """A finding whose message was said already (a Said remembers its id and parameters; plain text does not)."""
    if isinstance(message, Said):
        return Finding(path, line, col, severity, code, message, message.message_id, message.params)
    return Finding(path, line, col, severity, code, message)


def finding_data(f: Finding) -> dict:
    """A finding as JSON data that can be said again in another language (with the library's words, if any)."""
    doc = f.shown()
    if f.message_id:
        doc["say"] = data(Said(f.message, f.message_id, f.params))
    if f.detail:
        doc["detail"] = f.detail
    return doc


def finding_from(doc: dict) -> Finding:
    """A finding from `finding_data`, its message in the current language where the catalogue still has it."""
    message = from_data(doc["say"]) if isinstance(doc.get("say"), dict) else None
    detail = str(doc.get("detail") or "")
    if message is None:
        return Finding(doc["path"], doc["line"], doc["col"], doc["severity"], doc["code"], doc["message"], detail=detail)
    return Finding(doc["path"], doc["line"], doc["col"], doc["severity"], doc["code"], message, message.message_id,
                   message.params, detail)


def code_of(message_id: str) -> str:
    return message_id.split(":")[0]


def finding(path: str, line: int, col: int, severity: str, message_id: str, code: str | None = None, /,
            **params) -> Finding:
    """A finding whose message comes from the catalogue; its code is the id's own unless given (file problems)."""
    return Finding(path, line, col, severity, code or code_of(message_id), say(message_id, **params), message_id, params)


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the author's language (strerror is English on most systems)."""
    import errno
    name = errno.errorcode.get(exc.errno or 0, "")
    message_id = f"os-error:{name}"
    if message_id in MESSAGES:
        return say(message_id)
    return say("os-error:other", name=name or exc.__class__.__name__)


def unknown_lang() -> str | None:
    """The BOOK_LANG value when it names no language this toolchain speaks (it then speaks Chinese), else None."""
    value = os.environ.get("BOOK_LANG", "")
    return value if value and not value.lower().startswith(("en", "zh")) else None


def detailed(found: Finding, detail: str) -> Finding:
    """The finding with what the library underneath said (shown under -v)."""
    from dataclasses import replace
    return replace(found, detail=detail) if detail else found
