"""The message catalogue: every finding's message in Chinese (the default) and English (`BOOK_LANG=en`).

A check names a message by its id and gives its parameters; the id starts with the finding's code (`bad-page:range`
is a `bad-page`), or `file:` for the problems of reading any file. The machine-readable parts of a diagnostic line
(path, position, severity, code) stay English in both languages.
"""
from __future__ import annotations

import os

from .findings import Finding

MESSAGES: dict[str, dict[str, str]] = {
    # Reading any file (the finding's code is that of the check that read it).
    "file:not-found": {"zh": "找不到文件", "en": "file not found"},
    "file:is-folder": {"zh": "这是文件夹，不是文件", "en": "is a folder, not a file"},
    "file:unreadable": {"zh": "无法读取文件：{reason}", "en": "cannot read file: {reason}"},
    "file:not-utf8": {"zh": "不是有效的 UTF-8（字节 0x{byte}）；请把文件存为 UTF-8",
                      "en": "not valid UTF-8 (byte 0x{byte}); save the file as UTF-8"},
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
                      "en": "{what} {number} is numbered again (first at line {first})"},
    "toc-numbering:sequence": {"zh": "{what} {number} 出现在应为 {expected} 的位置",
                               "en": "{what} {number} where {expected} comes next"},
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
    "toc-unlisted": {"zh": "{toc} 没有链接到这个文件，网站不会显示它", "en": "not linked from {toc}"},
    # Data claims and citations.
    "uncited-claim": {"zh": "数据“{figure}”需要在同一句中注明带页码的来源，例如 [@ark-big-ideas-2026, p. N]（页码待查时写 p. ?）",
                      "en": "'{figure}' needs a source with a page in the same sentence, e.g. "
                            "[@ark-big-ideas-2026, p. N] (or p. ? while pending)"},
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
    "notebook-invalid:schema": {"zh": "不是有效的 notebook：{where}：{problem}", "en": "not a valid notebook: {where}: {problem}"},
    "nbval-mismatch": {"zh": "cell {index}：输出与保存的不一致：{reason}", "en": "cell {index}: {reason}"},
    "nbval-exception": {"zh": "cell {index}：单元格抛出异常：{reason}", "en": "cell {index}: {reason}"},
    "nbval-timeout": {"zh": "cell {index}：单元格超时：{reason}", "en": "cell {index}: {reason}"},
    "nbval-failed": {"zh": "pytest 以状态 {status} 退出，且没有单元格失败；见上方输出",
                     "en": "pytest exited with status {status} before any cell failed; see its output above"},
    "results-schema:json": {"zh": "不是有效的 JSON：{problem}", "en": "not valid JSON: {problem}"},
    "results-schema:schema": {"zh": "不符合 schemas/results.schema.json：{problem}", "en": "{problem}"},
    # The site build.
    "site-link": {"zh": "网站构建发现失效链接：{problem}", "en": "{problem}"},
    "site-build": {"zh": "网站构建失败：{problem}", "en": "{problem}"},
    # Names used inside other messages.
    "word:part": {"zh": "部分", "en": "part"},
    "word:chapter": {"zh": "章", "en": "chapter"},
    "word:appendix": {"zh": "附录", "en": "appendix"},
    "word:section": {"zh": "节", "en": "section"},
    "word:subsection": {"zh": "小节", "en": "subsection"},
}


def lang() -> str:
    """`en` when BOOK_LANG asks for English, else `zh`."""
    return "en" if os.environ.get("BOOK_LANG", "").lower().startswith("en") else "zh"


def say(message_id: str, **params) -> str:
    """The message in the reader's language, its parameters filled in."""
    return MESSAGES[message_id][lang()].format(**params)


def code_of(message_id: str) -> str:
    return message_id.split(":")[0]


def finding(path: str, line: int, col: int, severity: str, message_id: str, code: str | None = None, /,
            **params) -> Finding:
    """A finding whose message comes from the catalogue; its code is the id's own unless given (file problems)."""
    return Finding(path, line, col, severity, code or code_of(message_id), say(message_id, **params))
