"""The message catalogue: each message's templates in Chinese (the default) and English (`BOOK_LANG=en`).

Codes and JSON keys stay English; only the words a reader sees are translated. `say(name, **values)` fills a template.
"""
from __future__ import annotations

import os

MESSAGES: dict[str, dict[str, str]] = {
    # Source verification (book sources verify)
    "page-mismatch": {
        "zh": "“{figure}”不在 {source} 第 {page} 页，而在第 {found} 页",
        "en": "'{figure}' is not on p. {page} of {source} but on p. {found}"},
    "not-found": {
        "zh": "在 {source} 中找不到“{figure}”{note}；若是从图表读出的，请核对后在该行加 <!-- verified: 说明 -->",
        "en": "'{figure}' is nowhere in {source}{note}; if it is read off a chart, check it and add "
              "<!-- verified: how --> on the line"},
    "no-text": {
        "zh": "{source} 第 {page} 页没有文字层（扫描件或图表），无法核对“{figure}”{note}；请人工核对后在该行加 "
              "<!-- verified: 说明 -->",
        "en": "p. {page} of {source} has no text layer (a scan or a chart): '{figure}' cannot be checked{note}; "
              "check it by hand and add <!-- verified: how --> on the line"},
    "no-text-elsewhere": {"zh": "（它出现在第 {found} 页）", "en": " (it is on p. {found})"},
    "no-text-pages": {"zh": "（有 {count} 页没有文字层）", "en": " ({count} pages have no text layer)"},
    "bad-page": {
        "zh": "{source} 没有第 {page} 页（其页码为 {labels}）",
        "en": "{source} has no page {page} (its pages are numbered {labels})"},
    "pending-candidates": {
        "zh": "{source} 的页码待查：“{figure}”见第 {found} 页{fill}",
        "en": "page of {source} to be confirmed: '{figure}' is on p. {found}{fill}"},
    "pending-fill": {"zh": "（book sources verify --fill 可填入）", "en": " (book sources verify --fill writes it)"},
    "pending-none": {
        "zh": "{source} 的页码待查：文档中找不到“{figure}”{note}",
        "en": "page of {source} to be confirmed: '{figure}' is nowhere in the document{note}"},
    "no-figure": {
        "zh": "“{figure}”中没有可在文档里查找的数字；请人工核对后在该行加 <!-- verified: 说明 -->",
        "en": "'{figure}' has no number to look for in the document; check it by hand and add "
              "<!-- verified: how --> on the line"},
    "verified-reason": {
        "zh": "<!-- verified: … --> 需要写明是如何核对的",
        "en": "<!-- verified: … --> needs a note saying how it was checked"},
    "source-document": {
        "zh": "{source} 的文档 {path} 无法读取：{reason}",
        "en": "the document {path} of {source} cannot be read: {reason}"},
    "document-missing": {"zh": "文件不存在", "en": "the file does not exist"},
    "document-folder": {"zh": "这是文件夹，不是文件", "en": "it is a folder, not a file"},
    "document-unreadable": {"zh": "无法读取文件（{detail}）", "en": "the file cannot be read ({detail})"},
    "document-not-pdf": {"zh": "不是 PDF（没有 %PDF- 文件头）", "en": "it is not a PDF (no %PDF- header)"},
    "document-empty": {"zh": "文件是空的", "en": "the file is empty"},
    "document-truncated": {
        "zh": "文件不完整（结尾没有 %%EOF），请重新下载",
        "en": "it is truncated (no %%EOF at its end): download it again"},
    "document-encrypted": {
        "zh": "文件已加密，需要密码才能打开（请另存一份未加密的副本）",
        "en": "it is encrypted: it needs a password to open (save an unencrypted copy)"},
    "document-damaged": {"zh": "文件已损坏或不是 PDF", "en": "it is damaged or not a PDF"},
    "document-security": {"zh": "文件使用了不支持的加密方式", "en": "it uses an unsupported security handler"},
    "document-pdfium": {"zh": "PDFium 无法读取它", "en": "PDFium could not read it"},
    "document-no-pdfium": {"zh": "未安装 pypdfium2（请运行 make）", "en": "pypdfium2 is not installed (run make)"},
    "verify-summary": {
        "zh": "{total} 个引用：核实 {verified}，页码不符 {mismatch}，未找到 {not_found}，待补页码 {pending}，"
              "无文字层 {no_text}，人工核对 {by_hand}，页码越界 {bad_page}，文档无法读取 {unreadable}，"
              "无本地文档 {no_document}",
        "en": "{total} citation(s): {verified} verified, {mismatch} page mismatch, {not_found} not found, "
              "{pending} pending, {no_text} without text, {by_hand} checked by hand, {bad_page} bad page, "
              "{unreadable} unreadable document, {no_document} without a local document"},
    "verify-no-documents": {
        "zh": "本机没有来源文档（sources/<key>.pdf 或登记表中的 file:），跳过核对",
        "en": "no source documents here (sources/<key>.pdf or a registry file:): verification skipped"},
    "fill-done": {"zh": "已填入 {count} 处页码：", "en": "filled {count} page(s):"},
    "fill-would": {"zh": "将填入 {count} 处页码（--dry-run，未写入）：", "en": "would fill {count} page(s) (--dry-run, nothing written):"},
    "fill-none": {"zh": "没有可以自动填入的页码", "en": "no page to fill"},
    "fill-skipped": {"zh": "未填入 {count} 处：", "en": "left {count} alone:"},
    "fill-why-several": {"zh": "有多个候选页（{pages}）", "en": "several candidate pages ({pages})"},
    "fill-why-none": {"zh": "没有候选页", "en": "no candidate page"},
    "fill-why-apart": {"zh": "同一引用所支持的数字不在同一页", "en": "the figures this citation supports are not on one page"},
    "fill-why-label": {"zh": "页码 {page} 不是数字", "en": "page label {page} is not a number"},
    "fill-why-unlocated": {"zh": "在该句中找不到这条引用", "en": "the citation was not found in the claim's sentence"},
    "fill-why-unreadable": {"zh": "文件无法读取", "en": "the file cannot be read"},
    "fill-why-no-pending": {"zh": "引用中没有该来源的待补页码", "en": "the citation has no pending page of this source"},
    "todo-candidates": {"zh": "（候选页：{pages}）", "en": " (candidate pages: {pages})"},
}


def lang() -> str:
    return "en" if os.environ.get("BOOK_LANG", "").strip().lower().startswith("en") else "zh"


def say(name: str, **values) -> str:
    return MESSAGES[name][lang()].format(**values)
